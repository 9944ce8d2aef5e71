"""A turn: one thing a person said or did, in any channel, before anything interprets it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from storage.types import utcnow

Surface = Literal["direct", "shared"]


@dataclass(frozen=True)
class Turn:
    """One inbound message or action, channel-neutral.

    Args:
        channel: `console`, `slack` or `teams`.
        user_id: the channel's id for the person (an email on the console).
        text: what they typed, or None for a button press.
        action: a button or card payload, or None for a message.
        surface: `direct` for a DM, `shared` for a channel or group chat.
        thread: the thread or conversation id the reply belongs in.
        at: when it arrived (UTC).
    """

    channel: str
    user_id: str
    text: str | None = None
    action: dict[str, Any] | None = None
    surface: Surface = "direct"
    thread: str | None = None
    at: datetime = field(default_factory=utcnow)

    @property
    def thread_key(self) -> str:
        """The key conversation context is stored under."""
        return self.thread or ""
