"""Typo tolerance: a misspelt keyword ("perp", "reveiw", "promtion") is read as the keyword.

Only words long enough to tell apart are corrected: four-letter words only when two
neighbouring letters were swapped, five to seven letters within one edit, longer words
within two (Damerau-Levenshtein). Known words and anything that looks like a name are left
alone, so a name is never "corrected" into a keyword.
"""

from __future__ import annotations

from collections.abc import Collection

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein


class Speller:
    """Corrects words towards a fixed set of keywords."""

    def __init__(self, targets: Collection[str]) -> None:
        """Build a speller for `targets` (lower-case single words)."""
        self._targets = sorted(set(targets))
        self._known = frozenset(self._targets)

    def correct(self, word: str) -> str | None:
        """The keyword `word` is a misspelling of, or None when it is not one (or is exact)."""
        if word in self._known or not word.isalpha() or len(word) < 4:
            return None
        allowed = 1 if len(word) <= 7 else 2
        found = process.extract(
            word,
            self._targets,
            scorer=DamerauLevenshtein.distance,
            score_cutoff=allowed,
            limit=None,
        )
        if not found:
            return None
        best = min(distance for _, distance, _ in found)
        closest = sorted(
            (abs(len(target) - len(word)), target)
            for target, distance, _ in found
            if distance == best and (len(word) > 4 or sorted(target) == sorted(word))
        )
        return closest[0][1] if closest else None
