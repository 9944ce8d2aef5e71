"""Recent feedback for a 1:1 prep: grouped into themes by competency family when it can be.

Peer, customer, manager and self notes from the evidence (already filtered by policy) are
grouped with their stored vectors (`skills.note_vectors`) against the framework's families
(`skills.themes`). Each theme shows its size and its most representative note, cited. When
themes are switched off, or the model or the index fails, the newest notes are listed
instead, so a prep never fails for want of embeddings.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from skills.answer import Citation, Section
from skills.base import SkillContext
from skills.embedding import EmbeddingError
from skills.evidence import Evidence
from skills.prompt_pack import PromptPack
from skills.themes import OTHER, FeedbackItem, Theme, family_texts, group_vectors
from storage.tables import Note
from storage.vector_index import VectorIndexError

logger = logging.getLogger(__name__)

GROUP = "prep"
FEEDBACK_KINDS = ("peer", "customer", "manager_note", "self")
QUOTE_CHARS = 140
MAX_NOTES = 8
MAX_THEMES = 3
LISTED = 3


@dataclass(frozen=True)
class FeedbackView:
    """The feedback part of a prep: its sections and the citations of the notes shown."""

    sections: tuple[Section, ...]
    citations: tuple[Citation, ...]


def feedback_view(ctx: SkillContext, pack: PromptPack, evidence: Evidence) -> FeedbackView:
    """Themes of recent feedback, or the newest notes when themes are unavailable."""
    notes = [note for note in evidence.notes if note.kind in FEEDBACK_KINDS][:MAX_NOTES]
    if not notes:
        return FeedbackView((), ())
    themes = _themes(ctx, notes)
    reader = evidence.access.requester.employee_id
    by_ref = {f"note:{note.id}": note for note in notes}
    if themes:
        shown = [by_ref[theme.representative_ref] for theme in themes]
        names = {family.slug: family.name for family in ctx.library.families}
        lines = tuple(
            pack.render(
                GROUP,
                "sections.theme_line",
                theme=names.get(theme.competency_slug, pack.render(GROUP, "sections.other")),
                count=len({item.ref for item in theme.items}),
                quote=_quote(by_ref[theme.representative_ref]),
                source=_source(pack, by_ref[theme.representative_ref], reader),
            )
            for theme in themes
        )
        title = pack.render(GROUP, "sections.themes")
    else:
        shown = notes[:LISTED]
        lines = tuple(_listed_line(pack, note, reader) for note in shown)
        title = pack.render(GROUP, "sections.recent_feedback")
    refs = tuple(f"note:{note.id}" for note in shown)
    citations = tuple(
        Citation(f"note:{note.id}", f"{_source(pack, note, reader)}, {_day(note.written_at)}")
        for note in shown
    )
    return FeedbackView((Section(title, lines, refs),), citations)


def _themes(ctx: SkillContext, notes: list[Note]) -> list[Theme] | None:
    if ctx.note_vectors is None or len(notes) < 2:
        return None
    try:
        vectors = ctx.note_vectors.for_notes(notes)
        kept = [note for note in notes if f"note:{note.id}" in vectors]
        items = [FeedbackItem(f"note:{note.id}", note.text) for note in kept]
        families = family_texts(ctx.library.families, ctx.library.competencies)
        themes = group_vectors(
            items,
            [vectors[item.ref] for item in items],
            families,
            ctx.note_vectors.embedder,
        )
    except (EmbeddingError, VectorIndexError, OSError):
        logger.warning("Feedback themes unavailable; listing recent notes instead", exc_info=True)
        return None
    named = [theme for theme in themes if theme.competency_slug != OTHER]
    return (named or themes)[:MAX_THEMES] or None


def _listed_line(pack: PromptPack, note: Note, reader: int) -> str:
    return pack.render(
        GROUP,
        "sections.note_line",
        source=_source(pack, note, reader),
        day=_day(note.written_at),
        quote=_quote(note),
    )


def _quote(note: Note) -> str:
    text = note.text.strip().replace("\n", " ")
    if len(text) > QUOTE_CHARS:
        text = text[: QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "..."
    return text


def _source(pack: PromptPack, note: Note, reader_id: int) -> str:
    if note.visibility == "private":
        kind = "private"
    elif note.author_id == reader_id:
        kind = "yours"
    else:
        kind = note.kind
    return pack.render(GROUP, f"note_sources.{kind}")


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")
