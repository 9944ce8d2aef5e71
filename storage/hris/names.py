"""People's names as HRIS files write them, turned into one display form and matched.

Display form is first name first, as chat users type names: "Adinolfi, Wilson  K" becomes
"Wilson K. Adinolfi" and "Alagbe,Trina" becomes "Trina Alagbe". Single-letter initials get a
full stop, so a manager column's "Brandon R. LeBlanc" and a name column's "LeBlanc, Brandon R"
give the same display name. Matching compares case-folded words without full stops, and falls
back to first and last word alone when that is unambiguous.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

NameOrder = Literal["last_first", "first_last"]
NameKey = tuple[str, ...]

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def display_name(text: str, order: NameOrder) -> str:
    """The display form of `text`, written "Last, First M" or "First M. Last"."""
    words = text.split()
    if not words:
        raise ValueError("the name is empty")
    if order == "last_first":
        joined = " ".join(words)
        if "," not in joined:
            raise ValueError(f"{joined!r} is not written 'Last, First'")
        last, first = (part.strip() for part in joined.split(",", 1))
        if not last or not first:
            raise ValueError(f"{joined!r} lacks a first or a last name")
        words = [*first.split(), *last.split()]
    return " ".join(_with_stop(word) for word in words)


def _with_stop(word: str) -> str:
    return f"{word}." if len(word) == 1 and word.isalpha() else word


def name_key(display: str) -> NameKey:
    """The words of a display name, case-folded and without full stops, for matching."""
    return tuple(word for word in display.replace(".", " ").casefold().split() if word)


def loose_key(key: NameKey) -> NameKey:
    """First and last word only, so a missing middle initial still matches."""
    return (key[0], key[-1]) if len(key) > 1 else key


def slug(display: str) -> str:
    """A lower-case, ASCII, hyphenated form of a name, for generated external ids."""
    ascii_text = unicodedata.normalize("NFKD", display).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-") or "unnamed"
