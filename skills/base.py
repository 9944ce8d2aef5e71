"""What every skill receives and returns.

A skill is a plain function `(SkillContext, SkillRequest) -> SkillResult`. It reads through
the session it is given, never opens its own, and never imports a channel library. The
dispatcher in `bot/` resolves the requester and subject, checks policy, calls the skill,
audits the result and renders it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from skills.answer import Answer
from skills.content import ContentLibrary
from skills.note_vectors import NoteVectors
from skills.policy import Access, Requester
from storage.config import Settings
from storage.data_policy import Purpose
from storage.tables import Employee


@dataclass(frozen=True)
class SkillContext:
    """The shared things a skill works with during one turn."""

    session: Session
    settings: Settings
    library: ContentLibrary
    now: datetime
    note_vectors: NoteVectors | None = None


@dataclass(frozen=True)
class SkillRequest:
    """One request to a skill: who asks, about whom, with what access and slots."""

    intent: str
    requester: Requester
    text: str
    subject: Employee | None = None
    access: Access | None = None
    module: str | None = None
    cycle: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class Delivery:
    """A direct message the skill wants delivered to someone else (e.g. an assignment)."""

    employee_id: int
    kind: str
    body: str


@dataclass(frozen=True)
class SkillResult:
    """A skill's answer plus what the dispatcher must audit, remember and deliver."""

    answer: Answer
    input_payload: str | None = None
    composer: str | None = None
    pack_version: str | None = None
    deliveries: tuple[Delivery, ...] = ()
    remember: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[SkillContext, SkillRequest], SkillResult]


@dataclass(frozen=True)
class SkillSpec:
    """How the dispatcher treats an intent: its purpose, its subject and its handler."""

    intent: str
    purpose: Purpose | None
    subject: str  # "other" (a named person), "self", or "none"
    handler: Handler | None
    capability: str
