"""The router's records: the people it may name, its thresholds, and the route it returns."""

from __future__ import annotations

from dataclasses import dataclass

INTENTS: tuple[str, ...] = (
    "prep_one_on_one",
    "draft_review",
    "self_evaluation",
    "suggest_goals",
    "assign_module",
    "skills_gap",
    "promotion_readiness",
    "my_data",
    "dispute",
    "log_one_on_one",
)
"""Every intent the router can name besides `HELP`."""

HELP = "help"
"""The intent of anything the router does not recognise."""


@dataclass(frozen=True)
class PersonRef:
    """A person the requester may name.

    Attributes:
        id: the employee id.
        name: the full name, as shown back to the user.
        aliases: other handles that identify the person exactly: email, chat user ids
            (`U0DANA`), chat handles (`dwhit`).
    """

    id: int
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class NameThresholds:
    """When a fuzzy name match is taken, offered, or ignored (rapidfuzz scores, 0-100).

    Mirrors `storage.config.RouterSettings`; the caller copies the configured values in.
    """

    accept_score: float = 88
    accept_margin: float = 8
    suggest_score: float = 75


@dataclass(frozen=True)
class NameMatch:
    """What a name resolved to: one person, several candidates to ask about, or nobody."""

    person: PersonRef | None
    candidates: tuple[PersonRef, ...] = ()


@dataclass(frozen=True)
class Route:
    """The router's reading of one message.

    Attributes:
        intent: one of `INTENTS`, or `HELP`.
        person_id: the subject, when one was named (or "me") and resolved to one person.
        person_text: the raw text that named a person, for messages ("I don't know Bob").
        candidates: the people a name may mean when it is not clear; with more than one the
            bot asks back with full names. Empty while `person_text` is set means nobody
            the requester may see has that name.
        module: the module slug, when one was named.
        cycle: the review cycle name, when one was named.
        refers_back: the message leans on the previous turn and names no intent of its own
            ("and for Sam?", "same for him", "what about Alex"): reuse the last intent.
        confidence: 0-1, how sure the intent is.
        outcome: for `log_one_on_one`, the outcome the manager wrote, when there is one.
        ref: a short id the message names (`D12`), e.g. the output being disputed.
        pronoun: the subject was named by a pronoun ("draft her review"): reuse the last
            subject. Every third-person pronoun counts alike (he, she, him, her, they, them):
            no gender is stored, so none is checked.
        multiple_people: two or more different people are clearly named ("Dana and Sam");
            `candidates` then holds them all, and the bot asks for one person at a time
            rather than saying a name matches several people.
    """

    intent: str
    person_id: int | None = None
    person_text: str | None = None
    candidates: tuple[PersonRef, ...] = ()
    module: str | None = None
    cycle: str | None = None
    refers_back: bool = False
    confidence: float = 0.0
    outcome: str | None = None
    ref: str | None = None
    pronoun: bool = False
    multiple_people: bool = False

    @property
    def detail(self) -> str | None:
        """The intent's free-text slot: a logged 1:1's outcome, else the short id named."""
        return self.outcome if self.outcome is not None else self.ref
