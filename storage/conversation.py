"""Conversation context per channel user and thread: encrypted JSON with an expiry."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session, col

from storage.tables import ConversationContext


def load_context(
    session: Session, *, channel: str, user_key: str, thread: str, now: datetime
) -> dict[str, Any]:
    """The stored context, or an empty one when there is none or it has expired."""
    row = _find(session, channel, user_key, thread)
    if row is None or row.expires_at <= now:
        return {}
    loaded = json.loads(row.data)
    return loaded if isinstance(loaded, dict) else {}


def save_context(
    session: Session,
    *,
    channel: str,
    user_key: str,
    thread: str,
    data: dict[str, Any],
    now: datetime,
    retention: timedelta,
) -> None:
    """Store the context, replacing what was there, to expire after `retention`."""
    row = _find(session, channel, user_key, thread)
    body = json.dumps(data, sort_keys=True, default=str)
    if row is None:
        row = ConversationContext(
            channel=channel, user_key=user_key, thread=thread, data=body, expires_at=now
        )
    row.data = body
    row.updated_at = now
    row.expires_at = now + retention
    session.add(row)


def purge_expired(session: Session, *, now: datetime) -> int:
    """Delete every expired context; returns how many were removed."""
    result = session.execute(
        delete(ConversationContext).where(col(ConversationContext.expires_at) <= now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _find(
    session: Session, channel: str, user_key: str, thread: str
) -> ConversationContext | None:
    return session.execute(
        select(ConversationContext).where(
            col(ConversationContext.channel) == channel,
            col(ConversationContext.user_key) == user_key,
            col(ConversationContext.thread) == thread,
        )
    ).scalar_one_or_none()
