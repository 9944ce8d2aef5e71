"""Evidence: the records a skill may use about a subject, and the facts computed from them.

`gather` reads only what the access allows: signal kinds whose fields serve the purpose, notes
whose field (and, for private notes, authorship) the policy allows, and never medical or
disciplinary records. Everything it does not read is listed in `excluded_fields` for the
explainability footer.

Each record has a reference (`signal:42`, `note:7`, `goal:3`, `followup:5`); each computed
fact has one too (`fact:late_days:recent`) and lists the references of its inputs, so every
number in a reply can be traced back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from skills.policy import Access, may_read_note
from storage.tables import Employee, FollowUp, Goal, Meeting, Note, Signal


@dataclass(frozen=True)
class ComputedFact:
    """A number derived from records: its value, how it was computed, from which inputs."""

    ref: str
    label: str
    value: float
    unit: str
    method: str
    inputs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SignalPoint:
    """One signal value as evidence: a plain record, cheaper than an ORM object."""

    id: int
    kind: str
    ts: datetime
    value: float
    unit: str
    source: str


SIGNAL_COLUMNS = (
    col(Signal.id),
    col(Signal.kind),
    col(Signal.ts),
    col(Signal.value),
    col(Signal.unit),
    col(Signal.source),
)


def signal_points(rows: Iterable[Any]) -> list[SignalPoint]:
    """Points from rows selected with `SIGNAL_COLUMNS`."""
    return [SignalPoint(*row) for row in rows]


@dataclass
class Evidence:
    """What one skill may use about one subject for one purpose."""

    subject: Employee
    access: Access
    start: datetime
    end: datetime
    signals: dict[str, list[SignalPoint]] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    next_meeting: Meeting | None = None
    facts: dict[str, ComputedFact] = field(default_factory=dict)
    excluded_fields: tuple[str, ...] = ()

    def add(self, fact: ComputedFact) -> ComputedFact:
        """Record a computed fact so replies can cite it."""
        self.facts[fact.ref] = fact
        return fact

    def record_ids(self) -> tuple[str, ...]:
        """Every record reference used, for the audit event."""
        refs = [f"signal:{s.id}" for rows in self.signals.values() for s in rows]
        refs += [f"note:{n.id}" for n in self.notes]
        refs += [f"goal:{g.id}" for g in self.goals]
        refs += [f"followup:{f.id}" for f in self.follow_ups]
        if self.next_meeting is not None:
            refs.append(f"meeting:{self.next_meeting.id}")
        return tuple(refs)


def signal_kinds_allowed(access: Access) -> list[str]:
    """The signal kinds this access may read, from the policy's field names."""
    return sorted(name.split(".", 1)[1] for name in access.fields if name.startswith("signal."))


def gather(
    session: Session,
    access: Access,
    subject: Employee,
    *,
    now: datetime,
    weeks: int = 26,
    note_days: int = 120,
    snapshot_kinds: Collection[str] = (),
) -> Evidence:
    """Load the subject's allowed records for the window ending at `now`.

    Weekly signals are read for the last `weeks`; `snapshot_kinds` (one value per survey or
    review) are read whatever their age, since the newest may be years old.
    """
    start = now - timedelta(weeks=weeks)
    evidence = Evidence(subject=subject, access=access, start=start, end=now)
    kinds = signal_kinds_allowed(access)
    assert subject.id is not None

    if kinds:
        in_window = col(Signal.ts) >= start
        if snapshot_kinds:
            in_window = in_window | col(Signal.kind).in_(list(snapshot_kinds))
        rows = session.execute(
            select(*SIGNAL_COLUMNS)
            .where(
                col(Signal.employee_id) == subject.id,
                col(Signal.kind).in_(kinds),
                col(Signal.ts) <= now,
                in_window,
            )
            .order_by(col(Signal.kind), col(Signal.ts))
        )
        evidence.signals = _by_kind(signal_points(rows))
    evidence.notes = _notes(session, access, subject.id, since=now - timedelta(days=note_days))
    if access.allows("goal.status"):
        evidence.goals = list(
            session.execute(
                select(Goal).where(col(Goal.employee_id) == subject.id).order_by(col(Goal.id))
            ).scalars()
        )
    if access.allows("meeting.one_on_one"):
        evidence.follow_ups = _open_follow_ups(session, subject.id)
        evidence.next_meeting = _next_meeting(session, access, subject.id, now)
    evidence.excluded_fields = tuple(sorted(access.excluded))
    return evidence


def _by_kind(rows: Iterable[SignalPoint]) -> dict[str, list[SignalPoint]]:
    grouped: dict[str, list[SignalPoint]] = defaultdict(list)
    for row in rows:
        grouped[row.kind].append(row)
    return dict(grouped)


def _notes(session: Session, access: Access, subject_id: int, *, since: datetime) -> list[Note]:
    # The policy is applied in the query, so text the access may not read is never loaded;
    # `may_read_note` re-checks each row as a second line of defence.
    kinds = [name.split(".", 1)[1] for name in access.fields if name.startswith("note.")]
    readable = (col(Note.visibility) != "private") & col(Note.kind).in_(kinds)
    if "note.private" in access.author_fields:
        mine = (col(Note.visibility) == "private") & (
            col(Note.author_id) == access.requester.employee_id
        )
        readable = readable | mine
    rows = session.execute(
        select(Note)
        .where(
            col(Note.subject_id) == subject_id,
            col(Note.category) == "general",
            col(Note.written_at) >= since,
            readable,
        )
        .order_by(col(Note.written_at).desc())
    ).scalars()
    return [note for note in rows if may_read_note(access, note)]


def _open_follow_ups(session: Session, subject_id: int) -> list[FollowUp]:
    return list(
        session.execute(
            select(FollowUp)
            .where(col(FollowUp.employee_id) == subject_id, col(FollowUp.status) == "open")
            .order_by(col(FollowUp.id))
        ).scalars()
    )


def _next_meeting(
    session: Session, access: Access, subject_id: int, now: datetime
) -> Meeting | None:
    return session.execute(
        select(Meeting)
        .where(
            col(Meeting.employee_id) == subject_id,
            col(Meeting.manager_id) == access.requester.employee_id,
            col(Meeting.starts_at) >= now,
            col(Meeting.status) == "scheduled",
        )
        .order_by(col(Meeting.starts_at))
        .limit(1)
    ).scalar_one_or_none()
