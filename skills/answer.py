"""What a skill answers: channel-neutral content with its reasons and sources.

A skill returns an `Answer`; the bot wraps it in a `Reply` (who receives it, where, in which
thread) and a renderer turns it into plain text, Block Kit or an Adaptive Card. Nothing here
knows about a channel.

Every number a skill shows belongs to a `Fact` whose `citations` name the records or computed
facts it came from (`signal:42`, `note:7`, `fact:hours-baseline`); each such reference is
listed once in `Answer.citations`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Citation:
    """A source: a stored record or a computed fact, with a short human label."""

    ref: str
    label: str
    detail: str | None = None


@dataclass(frozen=True)
class Fact:
    """One figure shown to the user, with its baseline and why it matters."""

    label: str
    value: str
    citations: tuple[str, ...]
    baseline: str | None = None
    why: str | None = None


@dataclass(frozen=True)
class Section:
    """A titled block of lines, such as conversation starters or a checklist."""

    title: str
    lines: tuple[str, ...]
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Action:
    """Something the user may do next; `command` is what they would type to do it."""

    label: str
    command: str


@dataclass(frozen=True)
class Footer:
    """Explainability: the data window, sources, exclusions, composer and prompt pack."""

    composer: str
    prompt_pack: str
    data_window: str | None = None
    sources: tuple[str, ...] = ()
    excluded_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """A skill's whole answer. `private` answers go to the asker in a direct message."""

    intent: str
    summary: str
    facts: tuple[Fact, ...] = ()
    sections: tuple[Section, ...] = ()
    talking_points: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()
    actions: tuple[Action, ...] = ()
    short_ids: dict[str, str] = field(default_factory=dict)
    footer: Footer | None = None
    private: bool = True
    record_ids: tuple[str, ...] = ()

    def cited_refs(self) -> set[str]:
        """Every reference a fact or section points at."""
        refs = {ref for fact in self.facts for ref in fact.citations}
        refs.update(ref for section in self.sections for ref in section.citations)
        return refs
