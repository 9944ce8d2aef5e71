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
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from storage.vectors import (
    Hit,
    InvalidVectorRequestError,
    Metadata,
    MetadataValue,
    VectorIndex,
    VectorIndexError,
    Where,
    check_records,
    matches_nothing,
    normalise_where,
    validate_collection_name,
    validate_metadata,
)

__all__ = [
    "ChromaVectorIndex",
    "Hit",
    "InvalidVectorRequestError",
    "Metadata",
    "MetadataValue",
    "VectorIndex",
    "VectorIndexError",
    "Where",
    "matches_nothing",
    "normalise_where",
    "validate_collection_name",
    "validate_metadata",
]

logger = logging.getLogger(__name__)


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
        clean = check_records(collection, ids, embeddings, metadatas)
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
