"""Who a message is about: a mention, a written name, "me", a pronoun, or nobody.

Names are found by elimination: words that are keywords, everyday words, slot words or
misspelt keywords are set aside, and what is left in a row ("dana", "alex m", "Chris Evans")
is matched against the people the requester may see. A leftover that matches nobody counts
as an unknown name only where a name is expected: capitalised, after "for", "with", "about",
a possessive, or a request verb; elsewhere it is noise.

When two different people are named, or a name is unclear, every plausible person becomes a
candidate: the bot asks rather than guesses. A possessive before a relation word ("Dana's
manager", "her team") names someone the router cannot know: the phrase is an unknown name,
and neither the possessor nor any other name in the message becomes the subject.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bot.router.lexicon import (
    GIVEN_NAME_WORDS,
    INTENT_WORDS,
    NAME_CUES,
    NEVER_NAMES,
    NOT_NAME_PARTS,
    PRONOUNS,
    SELF_WORDS,
    SURNAME_WORDS,
)
from bot.router.model import NameMatch, PersonRef
from bot.router.names import PersonIndex, is_number
from bot.router.relations import Relation, find_relations
from bot.router.text import Mention, Token

MAX_RUN = 3
"""Longer runs of unknown words are noise, not a name."""

_VERB_CUES = frozenset({"prep", "prepare", "review", "promote", "assign", "enrol", "enroll"})
_CHAT_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_SELF_SUBJECT = re.compile(
    r"\bmyself\b|\b(?:about|on|of|to|assign|enrol|enroll|give|send) me\b|\bam i\b"
    r"|\bmy (?:own )?(?:data|information|info|records?|goals?|objectives?|skills?|skill gaps?"
    r"|gaps?|promotion|development|profile|self\w+|review|appraisal|evaluation|assessment"
    r"|competenc\w*|strengths?|weakness\w*)\b"
)
SELF_INTENTS = frozenset({"my_data", "self_evaluation"})
"""Intents whose subject is always the requester."""


@dataclass(frozen=True)
class Subject:
    """Who the message is about.

    Attributes:
        person: the one person named, when clear.
        text: the words (or mention) that named someone, as written.
        candidates: people to ask about when unclear; empty with `text` set means unknown.
        pronoun: a third-person pronoun stands for the subject.
        name_positions: the word positions used by names and mentions.
        multiple_people: two or more different people are named ("Dana and Sam"): no one
            person could be meant by every name.
    """

    person: PersonRef | None = None
    text: str | None = None
    candidates: tuple[PersonRef, ...] = ()
    pronoun: bool = False
    name_positions: frozenset[int] = frozenset()
    multiple_people: bool = False

    @property
    def named(self) -> bool:
        """Whether any name, resolved or not, was given."""
        return self.text is not None


@dataclass(frozen=True)
class _Reference:
    match: NameMatch
    text: str
    positions: frozenset[int]


def find_subject(
    tokens: Sequence[Token],
    words: Sequence[str],
    *,
    mentions: Sequence[Mention],
    index: PersonIndex,
    taken: Collection[int],
) -> Subject:
    """Find the subject among `tokens`; `words` are their corrected lower-case forms.

    Args:
        tokens: the message's tokens.
        words: the same tokens lower-cased and typo-corrected (a changed word is a keyword).
        mentions: the mentions the placeholder tokens point at.
        index: the people the requester may see.
        taken: word positions already used by other slots (module, cycle, short id).
    """
    relations = find_relations(tokens)
    relation_words = {p for relation in relations for p in relation.words}
    references = [
        *_mention_references(tokens, mentions, index),
        *_word_references(tokens, words, index, {*taken, *relation_words}),
    ]
    positions = frozenset(p for r in references for p in r.positions) | relation_words
    owners = {relation.owner for relation in relations}
    pronoun = any(w in PRONOUNS for p, w in enumerate(words) if p not in owners)
    related = _relation_texts(tokens, relations, references)
    if related:
        # "Dana's manager and Sam" may be about either; never about Dana.
        return Subject(None, related[0], (), pronoun, positions)

    known = [r for r in references if r.match.person is not None or r.match.candidates]
    if not known:
        if references:
            return Subject(None, references[0].text, (), pronoun, positions)
        return Subject(pronoun=pronoun, name_positions=positions)
    return _decide_subject(known, positions)


def _decide_subject(known: Sequence[_Reference], positions: frozenset[int]) -> Subject:
    """One person when every reference agrees on one, else candidates to ask about."""
    people: dict[int, PersonRef] = {}
    for reference in known:
        for person in (reference.match.person, *reference.match.candidates):
            if person is not None:
                people.setdefault(person.id, person)
    text = " ".join(reference.text for reference in known)
    if len(people) == 1 and any(reference.match.person for reference in known):
        return Subject(next(iter(people.values())), text, (), False, positions)
    shared = set.intersection(*(_ids(reference.match) for reference in known))
    several = len(known) > 1 and not shared
    return Subject(None, text, tuple(people.values()), False, positions, several)


def _ids(match: NameMatch) -> set[int]:
    return {person.id for person in (match.person, *match.candidates) if person is not None}


def _relation_texts(
    tokens: Sequence[Token], relations: Sequence[Relation], references: Sequence[_Reference]
) -> list[str]:
    """The text of each relation phrase whose owner is a name, a mention or a pronoun."""
    texts = []
    for relation in relations:
        if relation.pronoun:
            texts.append(relation.text(tokens, tokens[relation.owner].text))
            continue
        owner = next((r for r in references if max(r.positions) == relation.owner), None)
        if owner is not None:
            texts.append(relation.text(tokens, owner.text))
    return texts


def refers_to_self(words: Sequence[str], intent: str) -> bool:
    """Whether the requester is the subject ("what do you know about me", "my goals")."""
    return intent in SELF_INTENTS or bool(_SELF_SUBJECT.search(" ".join(words)))


def _mention_references(
    tokens: Sequence[Token], mentions: Sequence[Mention], index: PersonIndex
) -> list[_Reference]:
    found = []
    for position, token in enumerate(tokens):
        if token.mention is None:
            continue
        mention = mentions[token.mention]
        match = _resolve_mention(mention, index)
        if match is None:
            continue
        found.append(_Reference(match, mention.label or mention.raw, frozenset({position})))
    return found


def _resolve_mention(mention: Mention, index: PersonIndex) -> NameMatch | None:
    """A mention's match; None for an unlabelled, unknown mention that addresses the bot."""
    if mention.key is not None:
        exact = index.by_key(mention.key)
        if exact is not None:
            return NameMatch(exact)
        if mention.label is None and mention.leading:
            return None
        if "@" in mention.key or (_CHAT_ID.match(mention.key) and index.has_chat_ids):
            # A chat user or email nobody visible has: someone else, whatever the label says.
            return NameMatch(None)
    if mention.label is None:
        return None if mention.leading else NameMatch(None)
    return index.resolve(re.findall(r"[^\W_]+", _strip_possessive(mention.label)))


def _word_references(
    tokens: Sequence[Token], words: Sequence[str], index: PersonIndex, taken: Collection[int]
) -> list[_Reference]:
    found = []
    for run in _runs(tokens, words, index, taken):
        names = [_strip_possessive(tokens[p].lower) for p in run]
        text = " ".join(_strip_possessive(tokens[p].text) for p in run)
        match = index.resolve(names)
        if match.person is None and not match.candidates and not _expects_name(run, tokens):
            continue
        if len(run) > MAX_RUN and match.person is None and not match.candidates:
            continue
        found.append(_Reference(match, text, frozenset(run)))
    return found


def _runs(
    tokens: Sequence[Token], words: Sequence[str], index: PersonIndex, taken: Collection[int]
) -> list[list[int]]:
    names = [_may_be_name(p, tokens, words, index, taken) for p in range(len(tokens))]
    joined = [names[p] or _joins_name(p, tokens, words, names, taken) for p in range(len(tokens))]
    for position in range(1, len(tokens)):
        joined[position] = joined[position] or (
            joined[position - 1] and _numbers_name(position, tokens, index, taken)
        )
    runs: list[list[int]] = []
    current: list[int] = []
    for position, is_name in enumerate(joined):
        if is_name:
            current.append(position)
            continue
        if current:
            runs.append(current)
        current = []
    if current:
        runs.append(current)
    return [_trim(run, tokens) for run in runs]


def _joins_name(
    position: int,
    tokens: Sequence[Token],
    words: Sequence[str],
    names: Sequence[bool],
    taken: Collection[int],
) -> bool:
    """Whether an everyday word next to a name is part of it ("Will Okafor", "dana white").

    Joined, the run no longer matches a visible person exactly, so the bot asks instead of
    taking "Okafor" alone to mean the one Okafor the requester may see.
    """
    token = tokens[position]
    word = token.lower
    if (
        token.mention is not None
        or position in taken
        or words[position] != word
        or word in INTENT_WORDS | SELF_WORDS | PRONOUNS | NAME_CUES | NOT_NAME_PARTS
        or not word.isalpha()
    ):
        return False
    written_as_name = token.capital and position > 0
    before = position + 1 < len(tokens) and names[position + 1]
    after = position > 0 and names[position - 1]
    return (before and (written_as_name or word in GIVEN_NAME_WORDS)) or (
        after and (written_as_name or word in SURNAME_WORDS)
    )


def _numbers_name(
    position: int, tokens: Sequence[Token], index: PersonIndex, taken: Collection[int]
) -> bool:
    """Whether a number after a name word is part of the name ("Driver 11").

    Only after a word of a name that holds a number, so "Dana 2 days from now" stays Dana.
    """
    token = tokens[position]
    word = _strip_possessive(token.lower)
    if token.mention is not None or position in taken or not word.isalnum():
        return False
    previous = _strip_possessive(tokens[position - 1].lower)
    return is_number(word) and previous in index.numbered_name_parts


def _trim(run: list[int], tokens: Sequence[Token]) -> list[int]:
    """Drop lower-case words before a capitalised name ("sign Dana" is "Dana")."""
    capitals = [p for p in run if tokens[p].capital]
    return run[run.index(capitals[0]) :] if capitals else run


def _may_be_name(
    position: int,
    tokens: Sequence[Token],
    words: Sequence[str],
    index: PersonIndex,
    taken: Collection[int],
) -> bool:
    token = tokens[position]
    if token.mention is not None or position in taken or words[position] != token.lower:
        return False
    base = _strip_possessive(token.lower)
    if not base.isalpha() or base in SELF_WORDS or base in PRONOUNS:
        return False
    if base not in NEVER_NAMES:
        return True
    # An everyday word that is also someone's name ("Will") counts when written as a name.
    after_cue = position > 0 and tokens[position - 1].lower in NAME_CUES
    return base in index.name_parts and (token.capital or after_cue)


def _expects_name(run: Sequence[int], tokens: Sequence[Token]) -> bool:
    first = run[0]
    if any(tokens[p].capital for p in run) or tokens[run[-1]].lower.endswith("'s"):
        return True
    if first == 0:
        return False
    previous = tokens[first - 1].lower
    return previous in NAME_CUES or previous in _VERB_CUES


def _strip_possessive(word: str) -> str:
    return word[:-2] if word.lower().endswith("'s") else word
