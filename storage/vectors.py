"""The vector index's contract: records, errors and the rules every implementation enforces.

What a `VectorIndex` stores (ids, embeddings, scoping metadata, never text) and how requests
are checked before they reach a backend: collection names, metadata shapes, and filters that
scope access with positive operators only. `storage.vector_index` holds the Chroma backend.

Errors:
    VectorIndexError: the backend failed (carries `collection`).
      +-- InvalidVectorRequestError (also ValueError): a bad collection name, record,
          metadata or filter.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

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


def check_records(
    collection: str,
    ids: Sequence[str],
    embeddings: Sequence[Sequence[float]],
    metadatas: Sequence[Metadata],
) -> list[dict[str, MetadataValue]]:
    """Check a batch of records (parallel lists, finite vectors, clean metadata)."""
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
