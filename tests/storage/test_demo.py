"""The demo organisation: a deterministic generator and an offset-anchored, idempotent loader."""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, SQLModel, col, select

from storage.crypto import Keyring, install_keyring
from storage.db import make_engine, upgrade
from storage.demo import (
    FILES,
    DemoFileInvalidError,
    DemoFileMissingError,
    load_demo,
    occurrences,
)
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

PROJECT = Path(__file__).resolve().parents[2]
DEMO_ROOT = PROJECT / "content" / "demo"
NOW = datetime(2030, 1, 8, 9, 30, tzinfo=UTC)  # a Tuesday, far from any DST change
ROLES = PROJECT / "content" / "roles"
PRIYAS_REPORTS = {"Whitfield", "Okafor", "Blake", "Chen", "Moreno", "Tanaka", "Hughes"}
ROW_TABLES: tuple[type[SQLModel], ...] = (Employee, ChatIdentity, SensitiveAttribute, Signal)
ROW_TABLES += (Note, Goal, Meeting, ReviewCycle)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One database with the demo loaded at NOW, shared by the read-only tests."""
    install_keyring(Keyring())  # plaintext marker: readable whatever keyring a test installs
    built = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    upgrade(built)
    load_demo(built, now=NOW, root=DEMO_ROOT)
    yield built
    built.dispose()


def _person(session: Session, name: str) -> Employee:
    return session.exec(select(Employee).where(Employee.name == name)).one()


def _series(session: Session, name: str, kind: str) -> list[tuple[datetime, float]]:
    person = _person(session, name)
    rows = session.exec(
        select(Signal)
        .where(Signal.employee_id == person.id, Signal.kind == kind)
        .order_by(col(Signal.ts))
    )
    return [(row.ts, row.value) for row in rows]


def _split(series: list[tuple[datetime, float]], weeks: int) -> tuple[list[float], list[float]]:
    """(earlier values, values of the last `weeks` weeks)."""
    cut = NOW - timedelta(weeks=weeks)
    return [v for ts, v in series if ts < cut], [v for ts, v in series if ts >= cut]


def _row_counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()
            for table in ROW_TABLES
        }


def _generate(out: Path) -> None:
    subprocess.run(
        [sys.executable, str(DEMO_ROOT / "generate.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )


def test_generator_is_deterministic_and_matches_the_checked_in_files(tmp_path: Path) -> None:
    _generate(tmp_path / "first")
    _generate(tmp_path / "second")

    total = 0
    for name in FILES:
        first = (tmp_path / "first" / name).read_bytes()
        assert first == (tmp_path / "second" / name).read_bytes(), name
        assert first == (DEMO_ROOT / name).read_bytes(), f"{name} is stale: rerun generate.py"
        total += len(first)
    assert total < 3_000_000


def test_demo_has_sixty_people_eight_managers_and_one_hr_admin(any_engine: Engine) -> None:
    counts = load_demo(any_engine, now=NOW, root=DEMO_ROOT)

    with Session(any_engine) as session:
        people = session.exec(select(Employee).where(Employee.source == "demo")).all()
        managers = {p.manager_id for p in people if p.manager_id is not None}
        admins = [p.name for p in people if p.is_hr_admin]
    assert len(people) == counts.people == 60
    assert len(managers) == counts.managers == 8
    assert admins == ["Grace Liu"]
    assert counts.people_created == 60


def test_people_follow_the_shared_vocabulary(demo_db: Engine) -> None:
    with Session(demo_db) as session:
        people = session.exec(select(Employee)).all()
        priya = _person(session, "Priya Raman")
        olivia = _person(session, "Olivia Brandt")
        console = {
            row.employee_id: row.channel_user_id
            for row in session.exec(select(ChatIdentity).where(ChatIdentity.channel == "console"))
        }
        reports = {p.name for p in people if p.manager_id == priya.id}

    assert len({p.title for p in people}) == 11
    assert all((ROLES / f"{p.role}.yaml").is_file() for p in people), "a role has no profile"
    departments = {p.department for p in people if p.department}
    assert departments == {"Engineering", "Customer Support", "Sales"}
    assert (priya.external_id, priya.email) == ("demo-001", "priya.raman@demo.tandem.example")
    assert olivia.manager_id is None
    assert olivia.title == "Chief Operating Officer"
    assert {name.split()[-1] for name in reports} >= PRIYAS_REPORTS
    for person in people:
        assert re.fullmatch(r"[a-z]+\.[a-z]+@demo\.tandem\.example", person.email or "")
        assert console[person.id or 0] == person.email
    assert len({p.timezone for p in people}) >= 5


def test_two_people_have_left_and_are_kept_inactive(demo_db: Engine) -> None:
    with Session(demo_db) as session:
        gone = session.exec(select(Employee).where(col(Employee.is_active).is_(False))).all()
        last_signal = {
            person.name: session.exec(
                select(func.max(Signal.ts)).where(Signal.employee_id == person.id)
            ).one()
            for person in gone
        }

    assert len(gone) == 2
    for person in gone:
        assert person.termination_date is not None
        assert person.termination_date < NOW.date()
        left = datetime.combine(person.termination_date, datetime.min.time(), UTC)
        assert last_signal[person.name] < left


def test_everyone_has_sensitive_attributes_for_fairness_reports(demo_db: Engine) -> None:
    with Session(demo_db) as session:
        attrs = session.exec(select(SensitiveAttribute)).all()

    assert len(attrs) == 60
    assert all(a.sex and a.ethnicity and a.birth_year for a in attrs)
    assert len({a.sex for a in attrs}) >= 2
    assert len({a.ethnicity for a in attrs}) >= 4


def test_dana_late_days_over_the_last_five_weeks_are_well_above_her_own_median(
    demo_db: Engine,
) -> None:
    with Session(demo_db) as session:
        late = _series(session, "Dana Whitfield", "late_days")
        missed = _series(session, "Dana Whitfield", "deadlines_missed")
        pulse = _series(session, "Dana Whitfield", "pulse_score")

    earlier, recent = _split(late, 5)
    assert len(recent) == 5
    assert len(earlier) >= 20
    assert min(recent) > statistics.median(earlier)
    assert statistics.mean(recent) >= statistics.median(earlier) + 2
    assert recent[-1] >= 3

    earlier_missed, recent_missed = _split(missed, 5)
    assert sum(recent_missed) >= 3 * max(1, sum(earlier_missed[-5:]))
    earlier_pulse, recent_pulse = _split(pulse, 5)
    assert statistics.median(earlier_pulse) >= 3.8
    assert recent_pulse[-1] <= 2.6


def test_sam_outperforms_his_team_steadily(demo_db: Engine) -> None:
    with Session(demo_db) as session:
        sam = _person(session, "Sam Okafor")
        team = session.exec(
            select(Employee).where(Employee.manager_id == sam.manager_id, Employee.id != sam.id)
        ).all()
        sam_prs = [v for _, v in _series(session, "Sam Okafor", "pull_requests")]
        team_prs = [
            v for person in team for _, v in _series(session, person.name, "pull_requests")
        ]
        sam_late = [v for _, v in _series(session, "Sam Okafor", "late_days")]
        rating = _series(session, "Sam Okafor", "performance_score")

    assert statistics.median(sam_prs) > statistics.median(team_prs) + 2
    assert sum(sam_late) == 0
    assert [value for _, value in rating] == [4.0]


def test_jordan_is_new_with_at_most_three_weeks_of_signals(demo_db: Engine) -> None:
    with Session(demo_db) as session:
        jordan = _person(session, "Jordan Blake")
        weeks = session.exec(
            select(Signal.ts).where(Signal.employee_id == jordan.id).distinct()
        ).all()

    assert 2 <= len(weeks) <= 3
    assert jordan.hire_date is not None
    assert (NOW.date() - jordan.hire_date).days <= 21


def test_a_support_specialist_has_rising_response_times(demo_db: Engine) -> None:
    with Session(demo_db) as session:
        leo = _person(session, "Leo Fischer")
        hours = _series(session, "Leo Fischer", "ticket_response_hours")

    earlier, recent = _split(hours, 4)
    assert leo.title == "Support Specialist"
    assert statistics.median(recent) > 1.8 * statistics.median(earlier)


def test_medical_disciplinary_and_private_records_carry_their_labels(demo_db: Engine) -> None:
    with Session(demo_db) as session:
        by_id = {p.id: p.name for p in session.exec(select(Employee))}
        notes = session.exec(select(Note)).all()

    medical = [n for n in notes if n.category == "medical"]
    disciplinary = [n for n in notes if n.category == "disciplinary"]
    private = [n for n in notes if n.visibility == "private"]
    assert [(by_id[n.subject_id], n.visibility) for n in medical] == [("Dana Whitfield", "hr")]
    assert [(by_id[n.subject_id], n.visibility) for n in disciplinary] == [("Ryan Mitchell", "hr")]
    assert len(private) == 1
    assert by_id[private[0].author_id or 0] == "Priya Raman"
    assert {n.category for n in notes} == {"general", "medical", "disciplinary"}


def test_notes_cover_every_kind_and_the_wording_review_checks_look_for(demo_db: Engine) -> None:
    with Session(demo_db) as session:
        notes = session.exec(select(Note)).all()
    per_subject: dict[int, int] = {}
    for note in notes:
        per_subject[note.subject_id] = per_subject.get(note.subject_id, 0) + 1
    texts = " ".join(note.text for note in notes).lower()

    assert {n.kind for n in notes} == {"manager_note", "peer", "customer", "self"}
    assert statistics.median(per_subject.values()) >= 3
    for word in ("abrasive", "bossy", "got emotional", "is aggressive", "aggressive timeline"):
        assert word in texts, word
    customers = [n for n in notes if n.kind == "customer"]
    assert all(n.author_id is None and n.author_label for n in customers)


def test_every_active_report_has_a_one_on_one_in_the_next_fourteen_days(
    demo_db: Engine,
) -> None:
    with Session(demo_db) as session:
        people = {p.id: p for p in session.exec(select(Employee))}
        meetings = session.exec(select(Meeting)).all()

    pairs = {(p.manager_id, p.id) for p in people.values() if p.manager_id and p.is_active}
    assert {(m.manager_id, m.employee_id) for m in meetings} == pairs
    for meeting in meetings:
        zone = ZoneInfo(meeting.timezone)
        days_ahead = meeting.starts_at.astimezone(zone).date() - NOW.astimezone(zone).date()
        assert meeting.starts_at > NOW
        assert 1 <= days_ahead.days <= 14
        assert meeting.timezone == people[meeting.manager_id].timezone
        assert re.fullmatch(
            r"FREQ=WEEKLY;INTERVAL=[12];BYDAY=(MO|TU|WE|TH|FR)", meeting.recurrence or ""
        )
        assert meeting.source == "demo"


def test_weekly_series_meet_on_their_weekday_at_local_time() -> None:
    series = {
        "timezone": "America/New_York",
        "weekday": "TU",
        "local_time": "10:00",
        "interval": 1,
        "week_offset": 0,
    }

    starts = occurrences(series, NOW)  # NOW is a Tuesday: the first meeting is next week

    assert [s.date().isoformat() for s in starts] == ["2030-01-15", "2030-01-22"]
    assert [s.hour for s in starts] == [15, 15]  # 10:00 in New York in winter


def test_goals_and_review_cycle_are_in_place(demo_db: Engine) -> None:
    with Session(demo_db) as session:
        dana = _person(session, "Dana Whitfield")
        statuses = session.exec(select(Goal.status).where(Goal.employee_id == dana.id)).all()
        goals = session.exec(select(Goal)).all()
        cycle = session.exec(select(ReviewCycle)).one()

    assert "at_risk" in statuses
    assert all(g.metric and g.target is not None and g.due_on for g in goals)
    assert cycle.name == "H2 2026"
    assert cycle.self_eval_opens == NOW.date() + timedelta(days=10)
    assert cycle.self_eval_opens < cycle.self_eval_due < cycle.manager_due


def _stamps(engine: Engine) -> dict[str, Any]:
    """Every stored time, keyed by something stable across databases."""
    with Session(engine) as session:
        ext = {p.id: p.external_id for p in session.exec(select(Employee))}
        stamps: dict[str, Any] = {}
        for p in session.exec(select(Employee)):
            stamps[f"hire:{p.external_id}"] = p.hire_date
            stamps[f"left:{p.external_id}"] = p.termination_date
        rank: dict[tuple[int, str], int] = {}
        for s in session.exec(select(Signal).order_by(col(Signal.ts))):
            n = rank[(s.employee_id, s.kind)] = rank.get((s.employee_id, s.kind), -1) + 1
            stamps[f"signal:{ext[s.employee_id]}:{s.kind}:{n}"] = s.ts
        for note in session.exec(select(Note)):
            stamps[f"note:{note.source_id}"] = note.written_at
        for m in session.exec(select(Meeting)):
            stamps[f"meeting:{m.source_id}"] = m.starts_at
        for g in session.exec(select(Goal)):
            stamps[f"goal:{ext[g.employee_id]}:{g.title}"] = (g.due_on, g.created_at)
        cycle = session.exec(select(ReviewCycle)).one()
        stamps["cycle"] = (cycle.period_start, cycle.self_eval_opens, cycle.manager_due)
    return stamps


def test_every_timestamp_is_an_offset_from_the_load_time(engine: Engine, tmp_path: Path) -> None:
    later = make_engine(f"sqlite:///{tmp_path / 'later.db'}")
    upgrade(later)
    shift = timedelta(days=7)
    load_demo(engine, now=NOW, root=DEMO_ROOT)
    load_demo(later, now=NOW + shift, root=DEMO_ROOT)

    before, after = _stamps(engine), _stamps(later)
    later.dispose()

    assert before.keys() == after.keys()
    for key, old in before.items():
        new = after[key]
        pairs = zip(old, new, strict=True) if isinstance(old, tuple) else [(old, new)]
        for a, b in pairs:
            if a is not None:
                assert b - a == shift, key


def test_loading_twice_duplicates_nothing_and_reanchors(any_engine: Engine) -> None:
    load_demo(any_engine, now=NOW, root=DEMO_ROOT)
    first = _row_counts(any_engine)

    again = load_demo(any_engine, now=NOW, root=DEMO_ROOT)
    assert _row_counts(any_engine) == first
    assert again.people_created == 0

    load_demo(any_engine, now=NOW + timedelta(days=30), root=DEMO_ROOT)
    assert _row_counts(any_engine) == first
    with Session(any_engine) as session:
        soonest = session.exec(select(func.min(Meeting.starts_at))).one()
    assert soonest > NOW + timedelta(days=30)


def test_a_missing_file_is_refused_before_anything_is_written(
    engine: Engine, tmp_path: Path
) -> None:
    for name in FILES[:-1]:
        (tmp_path / name).write_bytes((DEMO_ROOT / name).read_bytes())

    with pytest.raises(DemoFileMissingError) as caught:
        load_demo(engine, now=NOW, root=tmp_path)

    assert isinstance(caught.value, LookupError)
    assert _row_counts(engine)["Employee"] == 0


def test_a_note_about_an_unknown_person_rolls_the_whole_load_back(
    engine: Engine, tmp_path: Path
) -> None:
    for name in FILES:
        (tmp_path / name).write_bytes((DEMO_ROOT / name).read_bytes())
    with (tmp_path / "notes.jsonl").open("a", encoding="utf-8") as notes:
        notes.write('{"id":"x","subject":"demo-999","author":null,"author_label":null,')
        notes.write('"kind":"peer","category":"general","visibility":"subject",')
        notes.write('"competency":"craft","minutes_ago":5,"text":"Unknown."}\n')

    with pytest.raises(DemoFileInvalidError, match=r"notes\.jsonl"):
        load_demo(engine, now=NOW, root=tmp_path)

    assert _row_counts(engine)["Employee"] == 0


def test_a_naive_load_time_is_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        load_demo(engine, now=datetime(2030, 1, 8, 9, 30), root=DEMO_ROOT)
