"""Review cycles, reviews and every saved version of a review draft."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.crypto import EncryptedText
from storage.types import UTCDateTime, utcnow


class ReviewCycle(SQLModel, table=True):
    """A review period with its self-evaluation and manager deadlines."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=120)
    period_start: date
    period_end: date
    self_eval_opens: date
    self_eval_due: date
    manager_due: date
    review_type: str = Field(default="annual", max_length=32)  # annual | midyear | promotion
    high_stakes: bool = False


class Review(SQLModel, table=True):
    """One person's review in one cycle, with its sign-off state."""

    __table_args__ = (UniqueConstraint("cycle_id", "employee_id"),)

    id: int | None = Field(default=None, primary_key=True)
    short_id: str = Field(unique=True, max_length=16)
    cycle_id: int = Field(foreign_key="reviewcycle.id", index=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    reviewer_id: int = Field(foreign_key="employee.id")
    status: str = Field(default="draft", max_length=32)  # draft | manager_signed | hr_signed
    manager_signed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    hr_signed_by: int | None = Field(default=None, foreign_key="employee.id")
    hr_signed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ReviewVersion(SQLModel, table=True):
    """A saved draft or edit of a review; the body is encrypted."""

    __table_args__ = (UniqueConstraint("review_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    version: int
    author_id: int | None = Field(default=None, foreign_key="employee.id")
    origin: str = Field(max_length=32)  # composer | manager_edit
    body: str = Field(sa_type=EncryptedText)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    edit_seconds: int | None = None
