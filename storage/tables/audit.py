"""The audit chain, its encrypted payloads, disputes and measurement events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from storage.crypto import EncryptedText
from storage.types import UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    """One link of the append-only, hash-chained audit log: metadata and digests only."""

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    actor_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=64)
    subject_id: int | None = Field(default=None, index=True)
    purpose: str | None = Field(default=None, max_length=32)
    record_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    input_digest: str | None = Field(default=None, max_length=64)
    output_digest: str | None = Field(default=None, max_length=64)
    composer: str | None = Field(default=None, max_length=64)
    pack_version: str | None = Field(default=None, max_length=64)
    tokens_in: int | None = None
    tokens_out: int | None = None
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditPayload(SQLModel, table=True):
    """The prompt and output behind an audit event, encrypted; retention may purge them."""

    event_id: int = Field(foreign_key="auditevent.id", primary_key=True)
    prompt: str | None = Field(default=None, sa_type=EncryptedText)
    output: str | None = Field(default=None, sa_type=EncryptedText)
    purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Dispute(SQLModel, table=True):
    """An employee's dispute of an AI output, resolved by HR."""

    id: int | None = Field(default=None, primary_key=True)
    audit_event_id: int | None = Field(default=None, foreign_key="auditevent.id")
    employee_id: int = Field(foreign_key="employee.id", index=True)
    reason: str = Field(sa_type=EncryptedText)
    status: str = Field(default="open", max_length=32)  # open | upheld | rejected
    resolution: str | None = Field(default=None, sa_type=EncryptedText)
    resolved_by: int | None = Field(default=None, foreign_key="employee.id")
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MeasurementEvent(SQLModel, table=True):
    """A product measure (review drafted, module completed, ...); see storage.measures."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_id: int | None = None
    subject_id: int | None = None
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
