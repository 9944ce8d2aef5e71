"""The vector index: ids, embeddings and a few scoping keys, never text.

Skills embed text themselves (`skills.embedding`) and store only the vectors here, with
metadata that says whose record it is and what kind (`employee_id`, `kind`, `written_at` as
epoch seconds). The text stays in the encrypted tables; a hit is turned back into text by
its id, through the same access checks as any other read. To keep text out by construction,
metadata values must be numbers, booleans or short tokens (no spaces), and keys such as
`text` or `document` are refused.

Access scoping: filter with *positive* operators (`$eq`, `$in`) on keys that every record in
the collection has. Chroma's negative operators (`$ne`, `$nin`) also match records that lack
the key, so a scope written with them lets unscoped records through; this index refuses
them. An `$in` with an empty list matches nothing (Chroma itself rejects it).

Distances are cosine distances: 0 for the same direction, 1 for orthogonal vectors.

Errors:
    VectorIndexError: the backend failed (carries `collection`).
      +-- InvalidVectorRequestError (also ValueError): a bad collection name, record,
          metadata or filter.
"""

from __future__ import annotations

import logging
import math
import os
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

MetadataValue = str | int | float | bool
Metadata = Mapping[str, MetadataValue]
Where = Mapping[str, Any]

_COLLECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]$")
_METADATA_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_TOKEN_VALUE = re.compile(r"^[A-Za-z0-9._:@+/-]{0,128}$")
_TEXT_KEYS = frozenset(
    {"text", "document", "documents", "content", "body", "sentence", "summary", "snippet"}
)
_FIELD_OPERATORS = frozenset({"$eq", "$in", "$gt", "$gte", "$lt", "$lte"})
_LOGICAL_OPERATORS = frozenset({"$and", "$or"})


class VectorIndexError(RuntimeError):
    """The vector backend failed; `collection` names the collection involved."""

    def __init__(self, message: str, *, collection: str | None = None) -> None:
        super().__init__(message)
        self.collection = collection


class InvalidVectorRequestError(VectorIndexError, ValueError):
    """A collection name, record, metadata value or filter the index refuses."""


@dataclass(frozen=True)
class Hit:
    """One nearest neighbour: the record's id, its cosine distance and its metadata."""

    id: str
    distance: float
    metadata: Mapping[str, MetadataValue]


class VectorIndex(Protocol):
    """Stores vectors by id in named collections and finds the nearest ones."""

    def upsert(
        self,
        collection: str,
        ids: Sequence[str],
        embeddings: Sequence[Sequence[float]],
        metadatas: Sequence[Metadata],
    ) -> None:
        """Inserts or replaces records; the three sequences run in parallel."""
        ...

    def query(
        self,
        collection: str,
        embedding: Sequence[float],
        *,
        k: int = 10,
        where: Where | None = None,
    ) -> list[Hit]:
        """Returns up to `k` records nearest to `embedding` that match `where`, nearest first."""
        ...

    def delete(self, collection: str, ids: Sequence[str]) -> None:
        """Removes records by id; unknown ids are ignored."""
        ...

    def vectors(self, collection: str, ids: Sequence[str]) -> dict[str, list[float]]:
        """The stored embeddings of the given ids; ids not stored are absent."""
        ...

    def count(self, collection: str) -> int:
        """Returns how many records a collection holds (0 for a collection never written)."""
        ...


def validate_collection_name(name: str) -> str:
    """Returns `name` if Chroma accepts it: 3-512 of `[A-Za-z0-9._-]`, alphanumeric ends."""
    if not _COLLECTION_NAME.match(name) or ".." in name:
        raise InvalidVectorRequestError(
            f"invalid collection name {name!r}: use 3-512 characters of [A-Za-z0-9._-], "
            "starting and ending with a letter or digit",
            collection=name,
        )
    return name


def validate_metadata(metadata: Metadata, *, collection: str) -> dict[str, MetadataValue]:
    """Returns a plain copy of `metadata` after checking it cannot carry free text."""
    if not metadata:
        raise InvalidVectorRequestError("metadata must not be empty", collection=collection)
    clean: dict[str, MetadataValue] = {}
    for key, value in metadata.items():
        if not _METADATA_KEY.match(key) or key in _TEXT_KEYS:
            raise InvalidVectorRequestError(
                f"metadata key {key!r} is not allowed", collection=collection
            )
        if isinstance(value, str) and not _TOKEN_VALUE.match(value):
            raise InvalidVectorRequestError(
                f"metadata {key!r} must be a short token without spaces, not text",
                collection=collection,
            )
        if not isinstance(value, str | int | float | bool):
            raise InvalidVectorRequestError(
                f"metadata {key!r} must be a string, number or boolean", collection=collection
            )
        clean[key] = value
    return clean


def normalise_where(where: Where | None, *, collection: str) -> dict[str, Any] | None:
    """Checks a filter uses only positive operators; joins several top-level keys with $and."""
    if not where:
        return None
    clauses = [{key: value} for key, value in where.items()]
    for clause in clauses:
        _check_clause(clause, collection=collection)
    joined = clauses[0] if len(clauses) == 1 else {"$and": clauses}
    return _prune_empty_branches(joined)


def matches_nothing(where: Mapping[str, Any] | None) -> bool:
    """True when a normalised filter can match no record (an `$in` with an empty list)."""
    if not where:
        return False
    (key, value), *_ = where.items()
    if key == "$and":
        return any(matches_nothing(part) for part in value)
    if key == "$or":
        return all(matches_nothing(part) for part in value)
    return isinstance(value, Mapping) and "$in" in value and not value["$in"]


def _prune_empty_branches(where: dict[str, Any]) -> dict[str, Any]:
    """Drops `$or` branches that match nothing, which Chroma would reject as a whole."""
    (key, value), *_ = where.items()
    if key not in _LOGICAL_OPERATORS:
        return where
    parts = [_prune_empty_branches(part) for part in value]
    if key == "$or":
        parts = [part for part in parts if not matches_nothing(part)] or parts[:1]
    if len(parts) == 1:
        return parts[0]
    return {key: parts}


def _check_clause(clause: Mapping[str, Any], *, collection: str) -> None:
    if len(clause) != 1:
        raise InvalidVectorRequestError(
            "each filter clause must have exactly one key", collection=collection
        )
    (key, value), *_ = clause.items()
    if key in _LOGICAL_OPERATORS:
        if not isinstance(value, Sequence) or isinstance(value, str) or not value:
            raise InvalidVectorRequestError(
                f"{key} needs a list of clauses", collection=collection
            )
        for part in value:
            _check_clause(part, collection=collection)
        return
    if key.startswith("$"):
        raise InvalidVectorRequestError(
            f"filter operator {key!r} is not allowed here", collection=collection
        )
    if isinstance(value, Mapping):
        refused = set(value) - _FIELD_OPERATORS
        if refused or len(value) != 1:
            raise InvalidVectorRequestError(
                f"filter on {key!r} must use exactly one of {sorted(_FIELD_OPERATORS)}; "
                "$ne and $nin also match records lacking the key",
                collection=collection,
            )


def _check_records(
    collection: str,
    ids: Sequence[str],
    embeddings: Sequence[Sequence[float]],
    metadatas: Sequence[Metadata],
) -> list[dict[str, MetadataValue]]:
    if not len(ids) == len(embeddings) == len(metadatas):
        raise InvalidVectorRequestError(
            f"{len(ids)} ids, {len(embeddings)} embeddings and {len(metadatas)} metadatas "
            "must be as many",
            collection=collection,
        )
    if len(set(ids)) != len(ids) or not all(ids):
        raise InvalidVectorRequestError("ids must be unique and non-empty", collection=collection)
    for vector in embeddings:
        if not vector or not all(math.isfinite(x) for x in vector):
            raise InvalidVectorRequestError(
                "embeddings must be non-empty and finite", collection=collection
            )
    return [validate_metadata(metadata, collection=collection) for metadata in metadatas]


class ChromaVectorIndex:
    """A `VectorIndex` on Chroma: embedded on disk by default, a Chroma server by URL.

    With neither `path` nor `url`, the `vector` section of the settings decides. The embedded
    folder must be owned by one process at a time. Chroma's own embedding function is never
    used (it would download a model): collections are created without one and every call
    passes vectors. Telemetry is off.

    Args:
        path: folder of the embedded index.
        url: a Chroma server, such as `http://127.0.0.1:8000`.
    """

    def __init__(self, path: Path | None = None, url: str | None = None) -> None:
        if path is not None and url is not None:
            raise InvalidVectorRequestError("give the index a path or a URL, not both")
        if path is None and url is None:
            from storage.config import get_settings

            settings = get_settings()
            url = settings.vector.url
            path = None if url else settings.resolve(settings.vector.path)
        self.path = path
        self.url = url
        self._lock = threading.Lock()
        self._client: Any = None
        self._collections: dict[str, Any] = {}

    def __enter__(self) -> ChromaVectorIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def upsert(
        self,
        collection: str,
        ids: Sequence[str],
        embeddings: Sequence[Sequence[float]],
        metadatas: Sequence[Metadata],
    ) -> None:
        """Inserts or replaces records; the three sequences run in parallel."""
        validate_collection_name(collection)
        clean = _check_records(collection, ids, embeddings, metadatas)
        if not ids:
            return
        target, batch_size = self._collection(collection), self._max_batch_size()
        with _backend_errors(collection):
            for start in range(0, len(ids), batch_size):
                stop = start + batch_size
                target.upsert(
                    ids=list(ids[start:stop]),
                    embeddings=[list(map(float, v)) for v in embeddings[start:stop]],
                    metadatas=clean[start:stop],
                )
        logger.debug("Vectors upserted (collection=%s, count=%d)", collection, len(ids))

    def vectors(self, collection: str, ids: Sequence[str]) -> dict[str, list[float]]:
        """The stored embeddings of the given ids; ids not stored are absent."""
        validate_collection_name(collection)
        if not ids:
            return {}
        target = self._collection(collection)
        with _backend_errors(collection):
            found = target.get(ids=list(ids), include=["embeddings"])
        embeddings = found.get("embeddings")
        if embeddings is None:
            return {}
        return {
            record_id: [float(value) for value in vector]
            for record_id, vector in zip(found["ids"], embeddings, strict=True)
        }

    def query(
        self,
        collection: str,
        embedding: Sequence[float],
        *,
        k: int = 10,
        where: Where | None = None,
    ) -> list[Hit]:
        """Returns up to `k` records nearest to `embedding` that match `where`, nearest first."""
        validate_collection_name(collection)
        if k < 1:
            raise InvalidVectorRequestError("k must be at least 1", collection=collection)
        chroma_where = normalise_where(where, collection=collection)
        if matches_nothing(chroma_where):
            return []

        target = self._collection(collection)
        with _backend_errors(collection):
            found = target.query(
                query_embeddings=[list(map(float, embedding))],
                n_results=k,
                where=chroma_where,
                include=["distances", "metadatas"],
            )
        return _hits(found)

    def delete(self, collection: str, ids: Sequence[str]) -> None:
        """Removes records by id; unknown ids are ignored."""
        validate_collection_name(collection)
        if not ids:
            return
        target = self._collection(collection)
        with _backend_errors(collection):
            target.delete(ids=list(ids))

    def count(self, collection: str) -> int:
        """Returns how many records a collection holds (0 for a collection never written)."""
        validate_collection_name(collection)
        target = self._collection(collection)
        with _backend_errors(collection):
            return int(target.count())

    def stored_metadatas(self, collection: str) -> list[dict[str, MetadataValue]]:
        """Returns every record's metadata, for audits that check what the index holds."""
        validate_collection_name(collection)
        target = self._collection(collection)
        with _backend_errors(collection):
            found = target.get(include=["metadatas", "documents"])
        if any(document is not None for document in found.get("documents") or []):
            raise VectorIndexError("the collection holds documents", collection=collection)
        return [dict(metadata or {}) for metadata in found["metadatas"]]

    def close(self) -> None:
        """Releases the client; a later call opens it again."""
        with self._lock:
            client, self._client = self._client, None
            self._collections.clear()
        if client is not None:
            sessions = _http_sessions(client)
            client.close()
            for session in sessions:
                session.close()

    def _collection(self, name: str) -> Any:
        with self._lock:
            cached = self._collections.get(name)
            if cached is not None:
                return cached
            client = self._client or self._connect()
            self._client = client
            with _backend_errors(name):
                opened = client.get_or_create_collection(
                    name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
                )
            self._collections[name] = opened
            return opened

    def _max_batch_size(self) -> int:
        with self._lock:
            client = self._client
        return int(client.get_max_batch_size()) if client is not None else 1000

    def _connect(self) -> Any:
        chromadb, chroma_settings = _import_chromadb()
        settings = chroma_settings(anonymized_telemetry=False, allow_reset=False)
        with _backend_errors(None):
            if self.path is not None:
                self.path.mkdir(parents=True, exist_ok=True)
                logger.debug("Vector index opened (path=%s)", self.path)
                return chromadb.PersistentClient(path=str(self.path), settings=settings)
            parts = urlsplit(self.url or "")
            logger.debug("Vector index opened (host=%s)", parts.hostname)
            return chromadb.HttpClient(
                host=parts.hostname or "localhost",
                port=parts.port or (443 if parts.scheme == "https" else 8000),
                ssl=parts.scheme == "https",
                settings=settings,
            )


@contextmanager
def _backend_errors(collection: str | None) -> Iterator[None]:
    """Turns Chroma's and its HTTP client's errors into `VectorIndexError`, keeping the cause."""
    _import_chromadb()
    import httpx
    from chromadb.errors import ChromaError

    try:
        yield
    except VectorIndexError:
        raise
    except (ChromaError, ValueError, httpx.HTTPError) as error:
        raise VectorIndexError(f"vector index failed: {error}", collection=collection) from error


def _http_sessions(client: Any) -> list[Any]:
    """The HTTP sessions of a server client and its admin client.

    chromadb 1.5's `close()` stops the client but leaves these connection pools open (a
    `ResourceWarning` per socket), so the index closes them itself.
    """
    holders = (client, getattr(client, "_admin_client", None))
    servers = (getattr(holder, "_server", None) for holder in holders)
    return [session for server in servers if (session := getattr(server, "_session", None))]


def _hits(found: Mapping[str, Any]) -> list[Hit]:
    ids = found["ids"][0]
    distances = found["distances"][0]
    metadatas = found["metadatas"][0]
    return [
        Hit(id=record_id, distance=float(distance), metadata=dict(metadata or {}))
        for record_id, distance, metadata in zip(ids, distances, metadatas, strict=True)
    ]


def _import_chromadb() -> tuple[Any, Any]:
    """Imports chromadb with its telemetry (and onnxruntime's) switched off first."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    import chromadb
    from chromadb.config import Settings

    return chromadb, Settings
