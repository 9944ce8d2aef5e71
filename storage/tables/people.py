"""People: employees, their chat identities, sensitive attributes and pilot arms."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.crypto import EncryptedText
from storage.types import UTCDateTime, utcnow


class Employee(SQLModel, table=True):
    """One person in the organisation, active or not, with a link to their manager."""

    id: int | None = Field(default=None, primary_key=True)
    external_id: str = Field(unique=True, index=True, max_length=128)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, index=True, max_length=320)
    title: str | None = Field(default=None, max_length=200)
    role: str | None = Field(default=None, max_length=120)
    team: str | None = Field(default=None, max_length=120)
    department: str | None = Field(default=None, index=True, max_length=120)
    location: str | None = Field(default=None, max_length=120)
    timezone: str | None = Field(default=None, max_length=64)
    hire_date: date | None = None
    termination_date: date | None = None
    is_active: bool = True
    is_hr_admin: bool = False
    manager_id: int | None = Field(default=None, foreign_key="employee.id", index=True)
    source: str = Field(default="manual", max_length=64)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ChatIdentity(SQLModel, table=True):
    """A channel's user id for an employee (Slack, Teams or the console)."""

    __table_args__ = (UniqueConstraint("channel", "channel_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    channel: str = Field(max_length=32)
    channel_user_id: str = Field(max_length=200)


class SensitiveAttribute(SQLModel, table=True):
    """Protected attributes, kept apart and read only by fairness audits."""

    employee_id: int = Field(foreign_key="employee.id", primary_key=True)
    sex: str | None = Field(default=None, max_length=64)
    ethnicity: str | None = Field(default=None, max_length=120)
    birth_year: int | None = None
    termination_reason: str | None = Field(default=None, sa_type=EncryptedText)


class PilotArm(SQLModel, table=True):
    """A team's arm in an A/B pilot."""

    __table_args__ = (UniqueConstraint("pilot", "team"),)

    id: int | None = Field(default=None, primary_key=True)
    pilot: str = Field(max_length=120)
    team: str = Field(max_length=120)
    arm: str = Field(max_length=64)
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
