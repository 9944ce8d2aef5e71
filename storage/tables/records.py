"""Evidence records: work signals, notes and feedback, 1:1 meetings and their outcomes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.crypto import EncryptedText
from storage.types import UTCDateTime, utcnow


class Signal(SQLModel, table=True):
    """One measured value about one person at one time (hours, late days, scores...)."""

    __table_args__ = (
        UniqueConstraint("employee_id", "kind", "ts", "source"),
        Index("ix_signal_employee_kind_ts", "employee_id", "kind", "ts"),
    )

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id")
    kind: str = Field(max_length=64)
    ts: datetime = Field(sa_type=UTCDateTime)
    value: float
    unit: str = Field(max_length=32)
    source: str = Field(max_length=64)
    meta: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Note(SQLModel, table=True):
    """A manager note, peer, customer or self feedback; the text is encrypted."""

    __table_args__ = (Index("ix_note_subject_written", "subject_id", "written_at"),)

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="employee.id")
    author_id: int | None = Field(default=None, foreign_key="employee.id")
    author_label: str | None = Field(default=None, max_length=200)
    kind: str = Field(max_length=32)  # manager_note | peer | customer | self
    category: str = Field(default="general", max_length=32)  # general | medical | disciplinary
    visibility: str = Field(default="manager", max_length=32)  # private | manager | subject | hr
    text: str = Field(sa_type=EncryptedText)
    written_at: datetime = Field(sa_type=UTCDateTime)
    source: str = Field(default="manual", max_length=64)
    source_id: str | None = Field(default=None, max_length=128)


class Meeting(SQLModel, table=True):
    """A 1:1 between a manager and a report, possibly one of a recurring series."""

    __table_args__ = (UniqueConstraint("source", "source_id"),)

    id: int | None = Field(default=None, primary_key=True)
    manager_id: int = Field(foreign_key="employee.id", index=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    starts_at: datetime = Field(sa_type=UTCDateTime, index=True)
    duration_minutes: int = 30
    recurrence: str | None = Field(default=None, max_length=200)  # RFC 5545 RRULE
    timezone: str = Field(default="UTC", max_length=64)
    source: str = Field(default="manual", max_length=64)
    source_id: str = Field(max_length=200)
    status: str = Field(default="scheduled", max_length=32)  # scheduled | done | cancelled


class MeetingOutcome(SQLModel, table=True):
    """What a manager logged after a 1:1."""

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    manager_id: int = Field(foreign_key="employee.id", index=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    summary: str = Field(sa_type=EncryptedText)
    held_on: date
    logged_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FollowUp(SQLModel, table=True):
    """A next step agreed in a 1:1, shown again in the next prep."""

    id: int | None = Field(default=None, primary_key=True)
    outcome_id: int = Field(foreign_key="meetingoutcome.id", index=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    text: str = Field(sa_type=EncryptedText)
    due_on: date | None = None
    status: str = Field(default="open", max_length=32)  # open | done | dropped
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
