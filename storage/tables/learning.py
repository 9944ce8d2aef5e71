"""Goals and microlearning assignments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from storage.crypto import EncryptedText
from storage.types import UTCDateTime, utcnow


class Goal(SQLModel, table=True):
    """A measurable goal for one person."""

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    title: str = Field(sa_type=EncryptedText)
    metric: str | None = Field(default=None, max_length=120)
    target: float | None = None
    unit: str | None = Field(default=None, max_length=32)
    progress: float | None = None  # 0..1
    due_on: date | None = None
    status: str = Field(default="active", max_length=32)  # active | at_risk | done | dropped
    created_by: int | None = Field(default=None, foreign_key="employee.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Assignment(SQLModel, table=True):
    """A microlearning module assigned to a person, with its spaced-practice card."""

    id: int | None = Field(default=None, primary_key=True)
    module_slug: str = Field(max_length=120, index=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    assigned_by: int | None = Field(default=None, foreign_key="employee.id")
    assigned_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    due_on: date | None = None
    status: str = Field(default="assigned", max_length=32)  # assigned | started | completed
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    quiz_score: float | None = None
    card: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
