"""Load the demo organisation (content/demo/) into the database, anchored at a given `now`.

The files, written by `content/demo/generate.py`, hold offsets instead of dates: `days_ago`
for signals, hire and termination dates, `minutes_ago` for notes, `in_days` for goals and
the review cycle, and a weekday plus local time for each 1:1 series. Loading turns them
into UTC timestamps relative to `now`, so the demo never ages.

Loading is one transaction and an idempotent upsert, so running it again re-anchors the
demo at the new `now` without duplicating anything: people by external id, chat
identities by channel id, notes and meetings by their demo source id, goals by person and
title, the review cycle by name. Demo signals (source "demo") are replaced in bulk, so
their row ids change on each load; nothing else does.

1:1 series become one Meeting row per occurrence in the 14 days after `now` (dates taken
in the manager's time zone); each row's `recurrence` names the series it belongs to and
must not be expanded again.

Errors:
    DemoError
      +-- DemoFileMissingError (also LookupError): a demo file is absent.
      +-- DemoFileInvalidError (also ValueError): a demo file is malformed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import Engine, delete, insert
from sqlmodel import Session, SQLModel, col, select

from storage.db import session_scope
from storage.tables import (
    ChatIdentity,
    Employee,
    Goal,
    Meeting,
    Note,
    ReviewCycle,
    SensitiveAttribute,
    Signal,
)

logger = logging.getLogger(__name__)

SOURCE = "demo"
CONSOLE = "console"
MEETING_HORIZON_DAYS = 14
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FILES = (
    "people.yaml",
    "signals.jsonl",
    "notes.jsonl",
    "goals.yaml",
    "meetings.yaml",
    "review_cycle.yaml",
)


class DemoError(Exception):
    """The demo organisation cannot be loaded."""


class DemoFileMissingError(DemoError, LookupError):
    """A file the demo needs is not in the demo folder."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"demo file not found: {path} (run content/demo/generate.py)")
        self.path = path


class DemoFileInvalidError(DemoError, ValueError):
    """A demo file is malformed; the message names the file and the entry."""

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"demo file {name}: {detail}")
        self.name = name


@dataclass(frozen=True)
class DemoCounts:
    """What the demo holds after a load."""

    people: int
    people_created: int
    active: int
    managers: int
    hr_admins: int
    signals: int
    notes: int
    goals: int
    meetings: int
    review_cycles: int


def load_demo(engine: Engine, *, now: datetime, root: Path) -> DemoCounts:
    """Load (or re-anchor) the demo organisation from `root`, relative to `now`.

    Args:
        engine: a migrated database.
        now: the load instant, timezone-aware; every stored time is an offset from it.
        root: the folder holding the generated demo files (content/demo).
    """
    if now.tzinfo is None:
        raise ValueError("load_demo needs a timezone-aware `now`")
    now = now.astimezone(UTC)
    files = {name: _read(root / name) for name in FILES}

    with session_scope(engine) as session:
        with _entries_of("people.yaml"):
            ids, created = _upsert_people(session, files["people.yaml"], now)
        with _entries_of("signals.jsonl"):
            signals = _replace_signals(session, files["signals.jsonl"], ids, now)
        with _entries_of("notes.jsonl"):
            notes = _upsert_notes(session, files["notes.jsonl"], ids, now)
        with _entries_of("goals.yaml"):
            goals = _upsert_goals(session, files["goals.yaml"], ids, now)
        with _entries_of("meetings.yaml"):
            meetings = _upsert_meetings(session, files["meetings.yaml"], ids, now)
        with _entries_of("review_cycle.yaml"):
            _upsert_cycle(session, files["review_cycle.yaml"], now)

    people = files["people.yaml"]
    counts = DemoCounts(
        people=len(people),
        people_created=created,
        active=sum(1 for p in people if p["terminated_days_ago"] is None),
        managers=len({p["manager"] for p in people if p["manager"]}),
        hr_admins=sum(1 for p in people if p["is_hr_admin"]),
        signals=signals,
        notes=notes,
        goals=goals,
        meetings=meetings,
        review_cycles=1,
    )
    logger.info("Demo organisation loaded (%s)", counts)
    return counts


def _read(path: Path) -> Any:
    """A demo file's content: a list of JSON lines, or the YAML document."""
    if not path.is_file():
        raise DemoFileMissingError(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".jsonl":
        try:
            return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as exc:
            raise DemoFileInvalidError(path.name, f"not valid YAML ({exc})") from None
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise DemoFileInvalidError(path.name, f"line {number}: {exc.msg}") from None
    return entries


@contextmanager
def _entries_of(name: str) -> Iterator[None]:
    """Report a missing key, a wrong type or an unknown reference as a malformed file."""
    try:
        yield
    except KeyError as exc:
        raise DemoFileInvalidError(name, f"missing key or unknown reference {exc}") from None
    except (TypeError, ValueError) as exc:
        raise DemoFileInvalidError(name, str(exc)) from None


def _day(now: datetime, offset_days: int) -> date:
    return now.date() + timedelta(days=offset_days)


def _upsert_people(
    session: Session, people: list[dict[str, Any]], now: datetime
) -> tuple[dict[str, int], int]:
    """Create or update every person; returns external id -> row id, and how many are new."""
    wanted = [person["external_id"] for person in people]
    rows = {
        row.external_id: row
        for row in session.exec(select(Employee).where(col(Employee.external_id).in_(wanted)))
    }
    created = 0
    for person in people:
        row = rows.get(person["external_id"])
        if row is None:
            row = Employee(external_id=person["external_id"], name=person["name"])
            rows[row.external_id] = row
            session.add(row)
            created += 1
        _apply_profile(row, person, now)
    session.flush()

    ids = {external_id: row.id for external_id, row in rows.items() if row.id is not None}
    for person in people:
        manager = person["manager"]
        rows[person["external_id"]].manager_id = ids[manager] if manager else None
    _upsert_private_parts(session, people, ids)
    return ids, created


def _apply_profile(row: Employee, person: dict[str, Any], now: datetime) -> None:
    left = person["terminated_days_ago"]
    row.name = person["name"]
    row.email = person["email"]
    row.title = person["title"]
    row.role = person["role"]
    row.team = person["team"]
    row.department = person["department"]
    row.location = person["location"]
    row.timezone = person["timezone"]
    row.hire_date = _day(now, -int(person["hire_days_ago"]))
    row.termination_date = None if left is None else _day(now, -int(left))
    row.is_active = left is None
    row.is_hr_admin = bool(person["is_hr_admin"])
    row.source = SOURCE
    row.updated_at = now


def _upsert_private_parts(
    session: Session, people: list[dict[str, Any]], ids: dict[str, int]
) -> None:
    """Each person's protected attributes (their own table) and chat identities."""
    attrs = {
        row.employee_id: row
        for row in session.exec(
            select(SensitiveAttribute).where(
                col(SensitiveAttribute.employee_id).in_(list(ids.values()))
            )
        )
    }
    user_ids = [user_id for person in people for user_id in person["chat"].values()]
    identities = {
        (row.channel, row.channel_user_id): row
        for row in session.exec(
            select(ChatIdentity).where(col(ChatIdentity.channel_user_id).in_(user_ids))
        )
    }
    for person in people:
        employee_id = ids[person["external_id"]]
        row = attrs.get(employee_id)
        if row is None:
            row = SensitiveAttribute(employee_id=employee_id)
            session.add(row)
        for field in ("sex", "ethnicity", "birth_year", "termination_reason"):
            setattr(row, field, person["sensitive"][field])

        for channel, user_id in person["chat"].items():
            identity = identities.get((channel, user_id))
            if identity is None:
                identity = ChatIdentity(channel=channel, channel_user_id=user_id, employee_id=0)
                session.add(identity)
            identity.employee_id = employee_id


def _replace_signals(
    session: Session, series: list[dict[str, Any]], ids: dict[str, int], now: datetime
) -> int:
    """Drop the demo's signals for these people and insert them afresh, in bulk."""
    session.execute(
        delete(Signal).where(
            col(Signal.source) == SOURCE, col(Signal.employee_id).in_(list(ids.values()))
        )
    )
    rows = [
        {
            "employee_id": ids[line["employee"]],
            "kind": line["kind"],
            "ts": now - timedelta(days=days_ago),
            "value": float(value),
            "unit": line["unit"],
            "source": SOURCE,
            "meta": {},
        }
        for line in series
        for days_ago, value in line["points"]
    ]
    if rows:
        # Core insert on the table: one executemany, no ORM bookkeeping per row.
        session.execute(insert(SQLModel.metadata.tables["signal"]), rows)
    return len(rows)


def _upsert_notes(
    session: Session, notes: list[dict[str, Any]], ids: dict[str, int], now: datetime
) -> int:
    """Create or update each note by its demo id."""
    existing = {
        row.source_id: row for row in session.exec(select(Note).where(Note.source == SOURCE))
    }
    for note in notes:
        row = existing.get(note["id"])
        if row is None:
            row = Note(subject_id=0, kind="", text="", written_at=now, source=SOURCE)
            row.source_id = note["id"]
            session.add(row)
        row.subject_id = ids[note["subject"]]
        row.author_id = ids[note["author"]] if note["author"] else None
        row.author_label = note["author_label"]
        row.kind = note["kind"]
        row.category = note["category"]
        row.visibility = note["visibility"]
        row.text = note["text"]
        row.written_at = now - timedelta(minutes=int(note["minutes_ago"]))
    return len(notes)


def _upsert_goals(
    session: Session, goals: list[dict[str, Any]], ids: dict[str, int], now: datetime
) -> int:
    """Create or update each goal, matched by person and title."""
    people = list(ids.values())
    existing = {
        (row.employee_id, row.title): row
        for row in session.exec(select(Goal).where(col(Goal.employee_id).in_(people)))
    }
    for goal in goals:
        key = (ids[goal["employee"]], goal["title"])
        row = existing.get(key)
        if row is None:
            row = Goal(employee_id=key[0], title=key[1])
            existing[key] = row
            session.add(row)
        row.metric = goal["metric"]
        row.target = float(goal["target"])
        row.unit = goal["unit"]
        row.progress = float(goal["progress"])
        row.due_on = _day(now, int(goal["due_in_days"]))
        row.status = goal["status"]
        row.created_by = ids[goal["created_by"]] if goal["created_by"] else None
        row.created_at = now - timedelta(days=int(goal["created_days_ago"]))
    return len(goals)


def occurrences(series: dict[str, Any], now: datetime) -> list[datetime]:
    """The UTC start of each meeting of a 1:1 series in the 14 days after today.

    Days are counted in the series' time zone: the first meeting falls on its weekday
    strictly after today (plus `week_offset` weeks), then every `interval` weeks up to and
    including today + 14, at the series' local time. So a weekly series always has two
    meetings and a fortnightly one a single meeting, whatever the time of day of `now`.
    """
    zone = ZoneInfo(series["timezone"])
    today = now.astimezone(zone).date()
    ahead = (WEEKDAYS.index(series["weekday"]) - today.weekday() - 1) % 7 + 1
    day = today + timedelta(days=ahead, weeks=int(series["week_offset"]))
    hour, minute = (int(part) for part in series["local_time"].split(":"))
    starts = []
    while day <= today + timedelta(days=MEETING_HORIZON_DAYS):
        starts.append(datetime.combine(day, time(hour, minute), zone).astimezone(UTC))
        day += timedelta(weeks=int(series["interval"]))
    return starts


def _upsert_meetings(
    session: Session, series_list: list[dict[str, Any]], ids: dict[str, int], now: datetime
) -> int:
    """One Meeting row per occurrence, keyed by the series id and its number."""
    existing = {
        row.source_id: row for row in session.exec(select(Meeting).where(Meeting.source == SOURCE))
    }
    count = 0
    for series in series_list:
        for number, starts_at in enumerate(occurrences(series, now), start=1):
            source_id = f"{series['id']}-{number}"
            row = existing.get(source_id)
            if row is None:
                row = Meeting(manager_id=0, employee_id=0, starts_at=now, source_id=source_id)
                row.source = SOURCE
                session.add(row)
            row.manager_id = ids[series["manager"]]
            row.employee_id = ids[series["employee"]]
            row.starts_at = starts_at
            row.duration_minutes = int(series["duration_minutes"])
            row.recurrence = series["rrule"]
            row.timezone = series["timezone"]
            row.status = "scheduled"
            count += 1
    return count


def _upsert_cycle(session: Session, cycle: dict[str, Any], now: datetime) -> None:
    """The review cycle, matched by name."""
    dates = {
        "period_start": _day(now, -int(cycle["period_start_days_ago"])),
        "period_end": _day(now, int(cycle["period_end_in_days"])),
        "self_eval_opens": _day(now, int(cycle["self_eval_opens_in_days"])),
        "self_eval_due": _day(now, int(cycle["self_eval_due_in_days"])),
        "manager_due": _day(now, int(cycle["manager_due_in_days"])),
    }
    row = session.exec(select(ReviewCycle).where(ReviewCycle.name == cycle["name"])).first()
    if row is None:
        row = ReviewCycle.model_validate({"name": cycle["name"], **dates})
        session.add(row)
    for field, value in dates.items():
        setattr(row, field, value)
    row.review_type = cycle["review_type"]
    row.high_stakes = bool(cycle["high_stakes"])
