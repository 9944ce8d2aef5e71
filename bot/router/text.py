"""Reading a message: chat mentions, canonical meeting words, tokens, and the outcome split.

The text is NFKC-normalised first, so fullwidth and other compatibility forms read as plain
letters and digits. Mentions are lifted out next so that their markup never reaches the word
matching: Slack `<@U123|dana>` and `<@U123>`, Teams `<at>Dana Whitfield</at>`, plain
`@handle` and email addresses. Each is replaced by a placeholder token `@N@` pointing at its
`Mention`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SLACK = re.compile(r"<@([A-Za-z0-9]+)(?:\|([^>]*))?>")
_TEAMS = re.compile(r"<at>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<![\w.@])@([A-Za-z][\w.-]*[A-Za-z0-9]|[A-Za-z])")
_PLACEHOLDER = re.compile(r"@(\d+)@")

_CANONICAL = (
    (
        re.compile(
            r"\b(?:1\s*[:x]\s*1|1\s*-\s*1|1\s*-?on-?\s*1|one[\s-]*(?:on|to)[\s-]*one|121)s?\b",
            re.IGNORECASE,
        ),
        " oneonone ",
    ),
    (re.compile(r"\bcatch[\s-]?ups?\b", re.IGNORECASE), " catchup "),
    (re.compile(r"\bcheck[\s-]?ins?\b", re.IGNORECASE), " checkin "),
    (re.compile(r"\bself[\s-]+([a-z]+)", re.IGNORECASE), r" self\1 "),
    (re.compile(r"\bwrite[\s-]up\b", re.IGNORECASE), " writeup "),
    (re.compile(r"\bw/", re.IGNORECASE), " with "),
)
_TOKEN = re.compile(r"@\d+@|[^\W_]+(?:'[^\W_]+)?")

# A separator between what the message is about and what follows it (a 1:1's outcome).
_SEPARATOR = re.compile(r":|\s[-\u2013\u2014]+\s|[,;]|(?<!\s[A-Za-z])\.(?:\s|$)")
_LABEL = re.compile(r"^\s*(?:outcome|outcomes|notes?|summary|result|recap)\s*[:\-]\s*", re.I)


@dataclass(frozen=True)
class Mention:
    """A person named by chat markup, an email or an @handle.

    Attributes:
        raw: the mention exactly as written.
        key: what identifies the person exactly (Slack user id, email, handle), if any.
        label: the display text that names the person, if any.
        leading: whether the message starts with it (a bot being addressed, typically).
    """

    raw: str
    key: str | None
    label: str | None
    leading: bool


@dataclass(frozen=True)
class Token:
    """One word of a message.

    Attributes:
        text: as written, apostrophes straightened.
        lower: lower-cased.
        capital: written with a capital first letter while not all capitals.
        mention: index of the `Mention` this token stands for, if any.
    """

    text: str
    lower: str
    capital: bool
    mention: int | None = None


@dataclass(frozen=True)
class Message:
    """A message with its mentions lifted out and its words tokenised."""

    mentions: tuple[Mention, ...]
    tokens: tuple[Token, ...]


def read_message(text: str) -> Message:
    """Lift out mentions, canonicalise meeting words and tokenise `text`."""
    mentions: list[Mention] = []
    plain = _straighten(text)

    def lift(raw: str, key: str | None, label: str | None, start: int) -> str:
        leading = not plain[:start].strip()
        mentions.append(Mention(raw, key, label, leading))
        return f" @{len(mentions) - 1}@ "

    plain = _SLACK.sub(lambda m: lift(m[0], m[1], (m[2] or "").strip() or None, m.start()), plain)
    plain = _TEAMS.sub(lambda m: lift(m[0], None, _strip_at(m[1]), m.start()), plain)
    plain = _EMAIL.sub(lambda m: lift(m[0], m[0], None, m.start()), plain)
    plain = _HANDLE.sub(lambda m: lift(m[0], m[1], m[1], m.start()), plain)
    for pattern, replacement in _CANONICAL:
        plain = pattern.sub(replacement, plain)

    shouting = plain.upper() == plain
    tokens = []
    for found in _TOKEN.finditer(plain):
        word = found[0]
        placeholder = _PLACEHOLDER.fullmatch(word)
        index = int(placeholder[1]) if placeholder else None
        capital = not shouting and word[:1].isupper()
        tokens.append(Token(word, word.lower(), capital, index))
    return Message(tuple(mentions), tuple(tokens))


def split_outcome(text: str) -> tuple[str, str] | None:
    """Split `text` at its first separator into what it is about and what follows.

    Separators are a colon (not inside `1:1` or a time), a spaced dash, a comma, a semicolon
    or a full stop; colons inside chat markup are skipped. Returns None when there is no
    separator with text after it.
    """
    plain = _straighten(text)
    protected = [m.span() for pattern in (_SLACK, _TEAMS) for m in pattern.finditer(plain)]
    for found in _SEPARATOR.finditer(plain):
        if any(start <= found.start() < end for start, end in protected):
            continue
        if found[0] == ":" and _between_digits(plain, found.start()):
            continue
        head, tail = plain[: found.start()], plain[found.end() :]
        tail = _LABEL.sub("", tail).strip()
        if head.strip() and tail:
            return head, tail
    return None


def _between_digits(text: str, index: int) -> bool:
    before = text[index - 1 : index]
    after = text[index + 1 : index + 2]
    return before.isdigit() and after.isdigit()


def normalise(text: str) -> str:
    """NFKC-normalise `text`: fullwidth and other compatibility letters become plain ones."""
    return unicodedata.normalize("NFKC", text)


def _straighten(text: str) -> str:
    return normalise(text).replace("\u2019", "'").replace("\u2018", "'")


def _strip_at(label: str) -> str | None:
    cleaned = label.strip().lstrip("@").strip()
    return cleaned or None
