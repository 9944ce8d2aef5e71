"""Matching a written name to the people the requester may see, or asking when unsure.

Scores are rapidfuzz scores (0-100) on case-folded text (`utils.default_process`):

- a single word ("dana", "okafor", "dwhit") is compared with every single name part and
  chat handle by plain `fuzz.ratio`. `WRatio` is not used here on purpose: its partial
  matching scores "tomorrow" against "Tom" at 90;
- several words ("dana whitfield", "alex m") are compared with each full name by `WRatio`,
  and word by word with first and last name, where a single letter matches an initial;
- an exact alias (email, chat user id, handle) scores 100.

A person is taken when they score at least `accept_score`, lead everyone else by at least
`accept_margin`, and every written word stands for a part of their name (exactly, as an
initial or prefix of the surname, or with a slip in a long word); otherwise everyone scoring
at least `suggest_score` is a candidate to ask about. A first name shared by two people
therefore always asks back, and so does "Hughs" for Tom Hughes. A word holding a digit
("Driver 11") is never fuzzy: only names holding that very word are considered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils
from rapidfuzz.distance import DamerauLevenshtein

from bot.router.model import NameMatch, NameThresholds, PersonRef
from bot.router.text import normalise

LONG_ONE_SLIP = 7
"""A name word this long may differ from the name by one edit and still be taken."""
LONG_TWO_SLIPS = 10
"""A name word this long may differ by two edits."""

_WORD = re.compile(r"[^\W_]+")
_EXACT_ONLY = re.compile(r"^[UW][A-Z0-9]{2,}$|@")
_POSSESSIVE = re.compile(r"['\u2019]s\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class _Entry:
    person: PersonRef
    full: str
    parts: tuple[str, ...]


class PersonIndex:
    """The people a requester may name, prepared for matching."""

    def __init__(self, people: Sequence[PersonRef], thresholds: NameThresholds) -> None:
        """Index `people` (their names, name parts and aliases)."""
        self.thresholds = thresholds
        self._entries = [_entry(person) for person in people]
        self._keys: dict[str, list[int]] = {}
        self._forms: list[str] = []
        self._owners: list[int] = []
        for index, entry in enumerate(self._entries):
            for alias in (normalise(alias).strip() for alias in entry.person.aliases):
                self._keys.setdefault(alias.lower(), []).append(index)
                if not _EXACT_ONLY.search(alias) and _WORD.fullmatch(alias):
                    self._add_form(alias.lower(), index)
            for part in entry.parts:
                self._add_form(part, index)
        self._fulls = [entry.full for entry in self._entries]
        self.name_parts = frozenset(self._forms)
        self.numbered_name_parts = frozenset(
            part
            for entry in self._entries
            if any(is_number(part) for part in entry.parts)
            for part in entry.parts
            if not is_number(part)
        )
        """Words of names that also hold a number ("driver" of "Driver 11")."""
        self.has_chat_ids = any(
            _EXACT_ONLY.match(alias) for person in people for alias in person.aliases
        )

    def by_key(self, key: str) -> PersonRef | None:
        """The one person whose alias is exactly `key` (case-insensitive), if any."""
        owners = self._keys.get(normalise(key).strip().lower(), [])
        return self._entries[owners[0]].person if len(owners) == 1 else None

    def resembles_name(self, word: str) -> bool:
        """Whether `word` comes close to any name part or handle (for the speller)."""
        cutoff = self.thresholds.suggest_score
        return (
            process.extractOne(word, self._forms, scorer=fuzz.ratio, score_cutoff=cutoff)
            is not None
        )

    def resolve(self, words: Sequence[str]) -> NameMatch:
        """Match a run of words that names one person ("dana", "alex m", "dana whitfield").

        A run of several words that matches no full name is never resolved from one of its
        words alone ("sam smith" is not Sam Okafor): the people those words match become
        candidates to ask about instead.
        """
        words = [word for word in (w.lower() for w in words) if word]
        if not words:
            return NameMatch(None)
        if any(is_number(word) for word in words):
            return self._resolve_numbered(words)
        if len(words) == 1:
            return self._decide(self._word_scores(words[0]), words)
        if len(words) <= 3:
            whole = self._decide(self._run_scores(words), words)
            if whole.person is not None or whole.candidates:
                return whole
        found: dict[int, PersonRef] = {}
        for word in words:
            if len(word) < 2:
                continue
            single = self._decide(self._word_scores(word), [word])
            for person in (single.person, *single.candidates):
                if person is not None:
                    found.setdefault(person.id, person)
        return NameMatch(None, tuple(found.values()))

    def _resolve_numbered(self, words: Sequence[str]) -> NameMatch:
        """Match a run holding a number ("driver 11"): only names with those numbers count.

        Numbers are never fuzzy: "Driver 1" is not "Driver 11", and "Driver 41" is nobody
        when no name holds 41.
        """
        numbers = [word for word in words if is_number(word)]
        scores = self._word_scores(words[0]) if len(words) == 1 else self._run_scores(words)
        kept = {
            index: score
            for index, score in scores.items()
            if all(number in self._entries[index].parts for number in numbers)
        }
        return self._decide(kept, words)

    def _add_form(self, form: str, index: int) -> None:
        self._forms.append(form)
        self._owners.append(index)

    def _cutoff(self) -> float:
        limits = self.thresholds
        return max(0.0, min(limits.suggest_score, limits.accept_score - limits.accept_margin))

    def _word_scores(self, word: str) -> dict[int, float]:
        scores: dict[int, float] = {index: 100.0 for index in self._keys.get(word, [])}
        if len(word) < 2:
            return scores
        found = process.extract(
            word, self._forms, scorer=fuzz.ratio, score_cutoff=self._cutoff(), limit=None
        )
        for _, score, position in found:
            owner = self._owners[position]
            scores[owner] = max(scores.get(owner, 0.0), score)
        return scores

    def _run_scores(self, words: Sequence[str]) -> dict[int, float]:
        cutoff = self._cutoff()
        found = process.extract(
            " ".join(words),
            self._fulls,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            score_cutoff=cutoff,
            limit=None,
        )
        scores = {index: score for _, score, index in found}
        if len(words) != 2:
            return scores
        # Word by word ("alex m"), only for people one of whose names the first word is near.
        near = process.extract(
            words[0], self._forms, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        )
        for owner in {self._owners[position] for _, _, position in near}:
            parts = self._entries[owner].parts
            pair = _pair_score(words[0], words[1], parts) if len(parts) >= 2 else 0.0
            if pair >= cutoff:
                scores[owner] = max(scores.get(owner, 0.0), pair)
        return scores

    def _decide(self, scores: dict[int, float], words: Sequence[str]) -> NameMatch:
        limits = self.thresholds
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        if not ranked:
            return NameMatch(None)
        best_index, best = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        clear = best >= limits.accept_score and best - runner_up >= limits.accept_margin
        if clear and self._agrees(words, self._entries[best_index]):
            return NameMatch(self._entries[best_index].person)
        plausible = [index for index, score in ranked if score >= limits.suggest_score]
        return NameMatch(None, tuple(self._entries[index].person for index in plausible))

    def _agrees(self, words: Sequence[str], entry: _Entry) -> bool:
        """Whether every written word stands for its own part of the person's name.

        A high score alone is not enough: "Leo Brown" scores well against Leon Brown, and
        "Mei" one letter from "Wei" may be someone else. Each word must be the part itself,
        a one-letter slip in a word of five or more letters (two from eight), or, after the
        first word, an initial or a prefix of at least three letters ("Alex M", "Alex Mor").
        """
        keys = {normalise(alias).strip().lower() for alias in entry.person.aliases}
        if len(words) == 1 and words[0] in keys:
            return True
        parts = list(entry.parts) + [key for key in keys if _WORD.fullmatch(key)]
        for position, word in enumerate(words):
            found = next((p for p in parts if _same_word(word, p, first=position == 0)), None)
            if found is None:
                return False
            parts.remove(found)
        return True


def _same_word(word: str, part: str, *, first: bool) -> bool:
    if word == part or (len(word) == 1 and part.startswith(word)):
        return True
    if not first and _abbreviates(word, part):
        return True
    allowed = 2 if len(word) >= LONG_TWO_SLIPS else 1 if len(word) >= LONG_ONE_SLIP else 0
    return allowed > 0 and DamerauLevenshtein.distance(word, part) <= allowed


def match_person(
    text: str, people: Sequence[PersonRef], thresholds: NameThresholds | None = None
) -> NameMatch:
    """Match a bare name, email or alias (a console `--as` value, say) to one person.

    Returns the person when the match is clear, candidates when it is not, or neither.
    """
    index = PersonIndex(people, thresholds or NameThresholds())
    text = normalise(text)
    exact = index.by_key(text)
    if exact is not None:
        return NameMatch(exact)
    return index.resolve(_WORD.findall(_POSSESSIVE.sub("", text)))


def is_number(word: str) -> bool:
    """Whether a name word holds a digit ("11", "3rd"): such words must match exactly."""
    return _DIGIT.search(word) is not None


def _entry(person: PersonRef) -> _Entry:
    name = normalise(person.name)
    parts = tuple(word.lower() for word in _WORD.findall(name))
    return _Entry(person, utils.default_process(name), parts)


def _pair_score(first: str, second: str, parts: tuple[str, ...]) -> float:
    given, family = parts[0], parts[-1]
    leading = 100.0 if len(first) == 1 and given.startswith(first) else fuzz.ratio(first, given)
    forward = min(leading, _part_score(second, family))
    backward = min(fuzz.ratio(first, family), _part_score(second, given))
    return max(forward, backward)


def _part_score(word: str, part: str) -> float:
    if _abbreviates(word, part):
        return 100.0
    return 0.0 if len(word) == 1 else fuzz.ratio(word, part)


def _abbreviates(word: str, part: str) -> bool:
    """An initial or a clear abbreviation, not a near-whole word ("Green" is not "Greene")."""
    return (len(word) == 1 or 3 <= len(word) <= len(part) - 2) and part.startswith(word)
