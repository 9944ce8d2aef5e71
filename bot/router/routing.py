"""The router: one message in, one `Route` out. Pure: no database, no settings, no model.

Steps: lift chat mentions out; make meeting words canonical; correct misspelt keywords;
find the module, the review cycle and a short id; score the intents; find the subject. A
message that logs a 1:1 ("1:1 with Dana done: agreed X") is read up to its first separator,
and what follows is the outcome, so that names and keywords in the outcome ("pair with Mei
on goals") do not change the intent or the subject.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.router.intents import IntentGuess, choose_intent, score_intents
from bot.router.lexicon import CORRECTION_TARGETS, GIVEN_NAME_WORDS, SURNAME_WORDS
from bot.router.model import HELP, NameThresholds, PersonRef, Route
from bot.router.names import PersonIndex
from bot.router.slots import SlotFind, find_cycle, find_module, find_ref, module_words
from bot.router.spelling import Speller
from bot.router.subject import Subject, find_subject, refers_to_self
from bot.router.text import Mention, Token, read_message, split_outcome

LOG_INTENT = "log_one_on_one"
SHORT_REQUEST = 3
"""A tail this short that names an intent is a request, not an outcome ("1:1 - prep")."""

_REFERS = re.compile(
    r"^(?:and|also|now|ok|okay|then|so|but|next)\b|\b(?:what|how) about\b|\bsame\b"
    r"|\b(?:too|as well|instead)$"
)
_FILLER = frozenset(
    {"and", "also", "now", "ok", "okay", "then", "so", "but", "what", "how", "about", "for"}
    | {"same", "do", "the", "too", "as", "well", "instead", "please", "pls", "again", "with"}
    | {"to", "one", "next"}
)
NAME_WORDS = GIVEN_NAME_WORDS | SURNAME_WORDS
_AGREED = re.compile(r"\b(?:we )?agreed\b.*", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class _Reading:
    tokens: tuple[Token, ...]
    words: tuple[str, ...]
    mentions: tuple[Mention, ...]
    module: SlotFind | None
    cycle: SlotFind | None
    ref: SlotFind | None
    guess: IntentGuess
    subject: Subject


@dataclass(frozen=True)
class _Tools:
    index: PersonIndex
    speller: Speller
    modules: Sequence[tuple[str, str]]
    cycles: Sequence[str]


def route(
    text: str,
    *,
    people: Sequence[PersonRef],
    modules: Sequence[tuple[str, str]] = (),
    cycles: Sequence[str] = (),
    self_id: int | None = None,
    thresholds: NameThresholds = NameThresholds(),  # noqa: B008 - frozen, so shared safely
) -> Route:
    """Read one message into an intent and its slots.

    Args:
        text: the message as the user wrote it, chat markup included.
        people: the people the requester may see; nobody else can be named.
        modules: `(slug, title)` of each module that may be assigned.
        cycles: names of the review cycles that may be named.
        self_id: the requester's employee id, the subject of "me", "my data", "myself".
        thresholds: when a fuzzy name match is taken or offered.

    Returns:
        The route. It never names a person it is unsure of: unclear names come back as
        candidates to ask about.
    """
    tools = _Tools(
        PersonIndex(people, thresholds),
        Speller(CORRECTION_TARGETS | module_words(modules)),
        modules,
        cycles,
    )
    reading = _read(text, tools)
    outcome: str | None = None
    split = split_outcome(text)
    if split is not None:
        head = _read(split[0], tools, outcome_follows=_is_statement(split[1], tools))
        if head.guess.intent == LOG_INTENT:
            reading, outcome = head, split[1]
            if not (head.subject.named or head.subject.pronoun):
                # "log: 1:1 with sam, discussed X": the subject is in the next clause.
                reading, outcome = _subject_from_tail(head, split[1], tools)
    if reading.guess.intent == LOG_INTENT and outcome is None:
        agreed = _AGREED.search(text)
        outcome = agreed[0].strip() if agreed else None
    return _compose(reading, outcome, self_id)


def _read(text: str, tools: _Tools, *, outcome_follows: bool = False) -> _Reading:
    message = read_message(text)
    words = tuple(
        _correct(position, message.tokens, tools) for position in range(len(message.tokens))
    )
    module = find_module(words, tools.modules)
    cycle = find_cycle(words, tools.cycles)
    ref = find_ref(words)
    taken = frozenset().union(*(found.positions for found in (module, cycle, ref) if found))
    scores = score_intents(
        words,
        module_named=module is not None,
        ref_named=ref is not None,
        outcome_follows=outcome_follows,
    )
    subject = find_subject(
        message.tokens, words, mentions=message.mentions, index=tools.index, taken=taken
    )
    return _Reading(
        message.tokens, words, message.mentions, module, cycle, ref, choose_intent(scores), subject
    )


def _subject_from_tail(head: _Reading, tail: str, tools: _Tools) -> tuple[_Reading, str]:
    """Take the subject from the tail's first clause, and the outcome from the rest."""
    again = split_outcome(tail)
    clause, outcome = again if again is not None else (tail, tail)
    subject = _read(clause, tools).subject
    if not (subject.named or subject.pronoun):
        return head, tail
    return replace(head, subject=subject), (outcome if again is not None else tail)


def _is_statement(tail: str, tools: _Tools) -> bool:
    """Whether the text after a separator states something rather than asks ("- prep")."""
    if tail.rstrip().endswith("?"):
        return False
    reading = _read(tail, tools)
    return len(reading.words) > SHORT_REQUEST or not any(reading.guess.scores.values())


def _correct(position: int, tokens: Sequence[Token], tools: _Tools) -> str:
    token = tokens[position]
    if token.mention is not None or (token.capital and position > 0):
        return token.lower
    if token.lower in NAME_WORDS or tools.index.resembles_name(token.lower):
        return token.lower
    return tools.speller.correct(token.lower) or token.lower


def _compose(reading: _Reading, outcome: str | None, self_id: int | None) -> Route:
    intent = reading.guess.intent
    subject = reading.subject
    refers_back = intent == HELP and _refers_back(reading)
    if intent == HELP and not refers_back:
        subject = Subject()
    person_id = subject.person.id if subject.person else None
    person_text = subject.text
    if intent != HELP and not subject.named and refers_to_self(reading.words, intent):
        person_id, person_text = self_id, ("me" if self_id is not None else None)
    return Route(
        intent=intent,
        person_id=person_id,
        person_text=person_text,
        candidates=subject.candidates,
        module=reading.module.value if reading.module else None,
        cycle=reading.cycle.value if reading.cycle else None,
        refers_back=refers_back,
        confidence=reading.guess.confidence,
        outcome=outcome if intent == LOG_INTENT else None,
        ref=reading.ref.value if reading.ref else None,
        pronoun=subject.pronoun and not subject.named and person_id is None,
        multiple_people=subject.multiple_people,
    )


def _refers_back(reading: _Reading) -> bool:
    """Whether an intent-less message leans on the last turn ("and for Sam?", "Dana?")."""
    subject = reading.subject
    if not (subject.named or subject.pronoun):
        return False
    if _REFERS.search(" ".join(reading.words)):
        return True
    others = [
        word
        for position, word in enumerate(reading.words)
        if position not in subject.name_positions
    ]
    return all(word in _FILLER for word in others)
