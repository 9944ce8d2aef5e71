"""Slots besides the person: the module, the review cycle and a short id (`D12`).

Each finder takes the message's lower-case, typo-corrected words and returns what it found
with the word positions it used, so that those words are not read as names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

MODULE_SCORE = 88.0
"""How closely a run of words must match a module's title or slug (rapidfuzz ratio)."""

_REF = re.compile(r"^[a-z]\d{1,6}$")
_NOT_REF = re.compile(r"^[hq]\d$")
_YEAR = re.compile(r"^\d{4}$")
_SPLIT = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SlotFind:
    """A slot value and the word positions that named it."""

    value: str
    positions: frozenset[int]


def module_words(modules: Sequence[tuple[str, str]]) -> frozenset[str]:
    """Every word of every module's slug and title, lower-case (targets for the speller)."""
    words: set[str] = set()
    for slug, title in modules:
        words.update(_SPLIT.findall(slug.lower()))
        words.update(_SPLIT.findall(title.lower()))
    return frozenset(word for word in words if word.isalpha())


def find_module(words: Sequence[str], modules: Sequence[tuple[str, str]]) -> SlotFind | None:
    """The module whose title or slug the words name best (earliest on a tie), if any."""
    best: tuple[float, int, SlotFind] | None = None
    for slug, title in modules:
        phrases = (" ".join(_SPLIT.findall(title.lower())), " ".join(_SPLIT.findall(slug.lower())))
        for phrase in dict.fromkeys(phrases):
            found = _best_window(words, phrase)
            if found is None:
                continue
            score, start, size = found
            key = (score, -start)
            if best is None or key > (best[0], -best[1]):
                positions = frozenset(range(start, start + size))
                best = (score, start, SlotFind(slug, positions))
    return best[2] if best else None


def find_cycle(words: Sequence[str], cycles: Sequence[str]) -> SlotFind | None:
    """The review cycle the words name: in full ("2025 H2"), or by a part only it has ("H2")."""
    for cycle in cycles:
        phrase = " ".join(_SPLIT.findall(cycle.lower()))
        found = _best_window(words, phrase, cutoff=95.0)
        if found is not None:
            _, start, size = found
            return SlotFind(cycle, frozenset(range(start, start + size)))
    matches: list[SlotFind] = []
    for cycle in cycles:
        parts = [part for part in _SPLIT.findall(cycle.lower()) if not _YEAR.match(part)]
        positions = [words.index(part) for part in parts if part in words]
        if parts and len(positions) == len(parts):
            matches.append(SlotFind(cycle, frozenset(positions)))
    return matches[0] if len(matches) == 1 else None


def find_ref(words: Sequence[str]) -> SlotFind | None:
    """A short id such as `D12` (not a half or quarter such as `H2`, `Q3`), upper-cased."""
    for position, word in enumerate(words):
        if _REF.match(word) and not _NOT_REF.match(word):
            return SlotFind(word.upper(), frozenset({position}))
    return None


def _best_window(
    words: Sequence[str], phrase: str, *, cutoff: float = MODULE_SCORE
) -> tuple[float, int, int] | None:
    size = len(phrase.split())
    best: tuple[float, int, int] | None = None
    for start in range(0, len(words) - size + 1):
        window = " ".join(words[start : start + size])
        score = fuzz.ratio(window, phrase)
        if score >= cutoff and (best is None or score > best[0]):
            best = (score, start, size)
    return best
