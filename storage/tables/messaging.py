"""Conversation context, the console inbox and the outbox of scheduled messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.crypto import EncryptedText
from storage.types import UTCDateTime, utcnow


class ConversationContext(SQLModel, table=True):
    """What a thread is about (last subject, open drafts), encrypted, with an expiry."""

    __table_args__ = (UniqueConstraint("channel", "user_key", "thread"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=32)
    user_key: str = Field(max_length=200)
    thread: str = Field(default="", max_length=200)
    data: str = Field(sa_type=EncryptedText)  # JSON
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)


class InboxMessage(SQLModel, table=True):
    """A direct message Tandem delivered to a person on the console channel."""

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    kind: str = Field(max_length=64)
    body: str = Field(sa_type=EncryptedText)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OutboxMessage(SQLModel, table=True):
    """A message due to be sent; `dedupe_key` makes each logical message unique."""

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(unique=True, max_length=200)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    channel: str = Field(max_length=32)
    kind: str = Field(max_length=64)
    body: str = Field(sa_type=EncryptedText)  # JSON of a rendered-neutral Reply
    due_at: datetime = Field(sa_type=UTCDateTime, index=True)
    status: str = Field(default="pending", max_length=32)  # pending | sending | sent | failed
    attempts: int = 0
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
