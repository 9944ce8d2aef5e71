"""Direct messages delivered on the console channel, kept so `/inbox` can show them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from storage.tables import InboxMessage


def deliver(
    session: Session, *, employee_id: int, kind: str, body: str, now: datetime
) -> InboxMessage:
    """Put a direct message in a person's console inbox."""
    message = InboxMessage(employee_id=employee_id, kind=kind, body=body, created_at=now)
    session.add(message)
    session.flush()
    return message


def messages_for(session: Session, employee_id: int, *, limit: int = 20) -> list[InboxMessage]:
    """The newest direct messages for a person, newest first."""
    query = (
        select(InboxMessage)
        .where(col(InboxMessage.employee_id) == employee_id)
        .order_by(col(InboxMessage.created_at).desc(), col(InboxMessage.id).desc())
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def mark_read(session: Session, messages: list[InboxMessage], *, now: datetime) -> None:
    """Mark messages as read."""
    for message in messages:
        if message.read_at is None:
            message.read_at = now
            session.add(message)
