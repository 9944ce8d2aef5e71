"""Note vectors for feedback themes: read from the index, embedded once when missing.

A note's vector (the whole note embedded as an e5 query, which is how the theme threshold was
calibrated) is stored in the `note_queries` collection with its scoping keys and never its
text. A prep reads stored vectors by id; a note seen for the first time is embedded then and
stored, at most `embed_limit` per request, so the cost of a model call is paid once a note.
`tandem index notes` embeds everything ahead of time.

Errors from the model or the index are the caller's to handle; the prep falls back to an
ungrouped list of recent feedback.
"""

from __future__ import annotations

import logging
from array import array
from collections.abc import Sequence

from skills.embedding import Embedder
from skills.themes import IndexableNote
from storage.tables import Note
from storage.vector_index import Metadata, VectorIndex

logger = logging.getLogger(__name__)

COLLECTION = "note_queries"  # suffixed with the database's digest by the runtime


class NoteVectors:
    """Vectors of notes, backed by a vector index and an embedder."""

    def __init__(
        self,
        index: VectorIndex,
        embedder: Embedder,
        *,
        collection: str = COLLECTION,
        embed_limit: int = 8,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.collection = collection
        self.embed_limit = embed_limit

    def for_notes(self, notes: Sequence[Note]) -> dict[str, list[float]]:
        """Vectors by note ref (`note:<id>`) for as many of the notes as possible."""
        refs = [f"note:{note.id}" for note in notes]
        found = self.index.vectors(self.collection, refs)
        missing = [note for note in notes if f"note:{note.id}" not in found]
        fresh = self.store(missing[: self.embed_limit])
        found.update(fresh)
        return found

    def store(self, notes: Sequence[Note]) -> dict[str, list[float]]:
        """Embed the notes and store their vectors; returns them by ref."""
        if not notes:
            return {}
        items = [IndexableNote.from_note(note) for note in notes]
        # Stored as float32, as the index keeps them, so a note groups the same way the first
        # time (freshly embedded) and every later time (read back from the index).
        vectors = [
            [float(value) for value in array("f", vector)]
            for vector in self.embedder.embed_queries([item.text for item in items])
        ]
        metadatas: list[Metadata] = [
            {
                "employee_id": item.employee_id,
                "kind": item.kind,
                "written_at": int(item.written_at.timestamp()),
            }
            for item in items
        ]
        self.index.upsert(self.collection, [item.ref for item in items], vectors, metadatas)
        logger.debug("Note vectors stored (count=%d)", len(items))
        return {item.ref: list(vector) for item, vector in zip(items, vectors, strict=True)}
