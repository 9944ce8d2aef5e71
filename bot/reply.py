"""A reply: a skill's answer addressed to someone, somewhere; renderers draw it per channel."""

from __future__ import annotations

from dataclasses import dataclass

from bot.turn import Surface
from skills.answer import Answer


@dataclass(frozen=True)
class Reply:
    """What to send back for a turn.

    Personal answers asked in a shared place go privately to the asker: `surface` is then
    `direct` and `notice` is the short line left in the shared place.
    """

    answer: Answer
    recipient: str
    surface: Surface
    thread: str | None = None
    notice: str | None = None
