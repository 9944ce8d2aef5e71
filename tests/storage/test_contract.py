"""The storage contract: the same behaviour on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session

from storage.db import session_scope
from storage.tables import Employee, Note, Signal


def _person(external_id: str, name: str, manager_id: int | None = None) -> Employee:
    return Employee(external_id=external_id, name=name, manager_id=manager_id)


def test_employee_round_trip_keeps_manager_link(any_engine: Engine) -> None:
    with session_scope(any_engine) as session:
        boss = _person("m1", "Morgan Lead")
        session.add(boss)
        session.flush()
        session.add(_person("e1", "Erin Report", manager_id=boss.id))

    with Session(any_engine) as session:
        report = session.exec(select(Employee).where(Employee.external_id == "e1")).scalar_one()
        manager = session.get(Employee, report.manager_id)
        assert manager is not None
        assert manager.name == "Morgan Lead"


def test_timestamps_come_back_timezone_aware_in_utc(any_engine: Engine) -> None:
    local = datetime(2026, 3, 29, 10, 0, tzinfo=UTC) + timedelta(hours=0)
    with session_scope(any_engine) as session:
        person = _person("e1", "Erin Report")
        session.add(person)
        session.flush()
        assert person.id is not None
        session.add(
            Signal(
                employee_id=person.id,
                kind="timesheet_hours",
                ts=local,
                value=38.5,
                unit="hours",
                source="test",
            )
        )

    with Session(any_engine) as session:
        signal = session.exec(select(Signal)).scalar_one()
        assert signal.ts.tzinfo is not None
        assert signal.ts == local


def test_naive_timestamp_is_refused(any_engine: Engine) -> None:
    with session_scope(any_engine) as session:
        person = _person("e1", "Erin Report")
        session.add(person)
    assert person.id is not None
    naive = Signal(
        employee_id=person.id,
        kind="timesheet_hours",
        ts=datetime(2026, 1, 1),
        value=1,
        unit="hours",
        source="test",
    )

    def write() -> None:
        with session_scope(any_engine) as session:
            session.add(naive)

    with pytest.raises(StatementError, match="naive datetime"):
        write()


def test_duplicate_external_id_is_refused_and_nothing_written(any_engine: Engine) -> None:
    def write_twice() -> None:
        with session_scope(any_engine) as session:
            session.add(_person("e1", "Erin Report"))
            session.add(_person("e1", "Erin Again"))

    with pytest.raises(IntegrityError):
        write_twice()

    with Session(any_engine) as session:
        assert session.exec(select(Employee)).all() == []


def test_note_text_round_trips_through_encryption(any_engine: Engine) -> None:
    with session_scope(any_engine) as session:
        person = _person("e1", "Erin Report")
        session.add(person)
        session.flush()
        assert person.id is not None
        session.add(
            Note(
                subject_id=person.id,
                kind="peer",
                text="Shipped the billing fix early.",
                written_at=datetime(2026, 5, 1, tzinfo=UTC),
            )
        )

    with Session(any_engine) as session:
        note = session.exec(select(Note)).scalar_one()
        assert note.text == "Shipped the billing fix early."


def test_hire_date_is_a_plain_date(any_engine: Engine) -> None:
    with session_scope(any_engine) as session:
        session.add(Employee(external_id="e1", name="Erin", hire_date=date(2020, 2, 29)))

    with Session(any_engine) as session:
        person = session.exec(select(Employee)).scalar_one()
        assert person.hire_date == date(2020, 2, 29)
