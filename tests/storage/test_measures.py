"""Measurement events: names and fields are checked before anything is stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

import storage.measures
from storage.db import session_scope
from storage.measures import EVENT_FIELDS, REQUIRED_FIELDS, Measure, emit
from storage.tables import MeasurementEvent


def test_an_event_with_its_fields_is_stored_and_reads_back(any_engine: Engine) -> None:
    when = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    with session_scope(any_engine) as session:
        emit(
            session,
            "review_version_edited",
            actor_id=1,
            subject_id=2,
            at=when,
            review_id=7,
            version=2,
            edit_seconds=95,
            chars_changed=340,
        )

    with Session(any_engine) as session:
        stored = session.exec(select(MeasurementEvent)).one()
    assert (stored.name, stored.actor_id, stored.subject_id, stored.at) == (
        "review_version_edited",
        1,
        2,
        when,
    )
    assert stored.fields == {
        "review_id": 7,
        "version": 2,
        "edit_seconds": 95.0,
        "chars_changed": 340,
    }


def test_the_enum_member_and_its_name_are_both_accepted(engine: Engine) -> None:
    with session_scope(engine) as session:
        first = emit(session, Measure.NUDGE_SNOOZED, kind="one_on_one_prep")
        second = emit(session, "nudge_snoozed", kind="practice", snooze_hours=24)

    assert (first.name, second.name) == ("nudge_snoozed", "nudge_snoozed")
    assert second.fields == {"kind": "practice", "snooze_hours": 24.0}


def test_an_unknown_event_name_is_refused_listing_the_known_ones(engine: Engine) -> None:
    with Session(engine) as session, pytest.raises(ValueError, match="unknown measurement") as err:
        emit(session, "review_drafed", review_id=1)
    assert "review_drafted" in str(err.value)


def test_missing_fields_are_named(engine: Engine) -> None:
    with Session(engine) as session, pytest.raises(ValueError, match="missing") as err:
        emit(session, "review_version_edited", review_id=1, version=2)
    assert "review_version_edited: missing chars_changed, edit_seconds (" in str(err.value)


def test_unknown_fields_are_named(engine: Engine) -> None:
    with Session(engine) as session, pytest.raises(ValueError, match="unknown quiz"):
        emit(session, "module_completed", assignment_id=1, module="m", quiz_score=1, quiz=1)


def test_an_optional_field_given_as_none_counts_as_absent(engine: Engine) -> None:
    with session_scope(engine) as session:
        event = emit(session, "one_on_one_prepped", meeting_id=None)
    assert event.fields == {}


@pytest.mark.parametrize(
    ("name", "fields", "message"),
    [
        ("review_signed_off", {"review_id": 1, "stage": "ceo"}, "stage must be one of"),
        ("review_signed_off", {"review_id": "1", "stage": "hr"}, "review_id must be an integer"),
        ("review_signed_off", {"review_id": True, "stage": "hr"}, "must be an integer"),
        ("review_signed_off", {"review_id": 0, "stage": "hr"}, "review_id must be at least 1"),
        ("module_completed", {"assignment_id": 1, "module": "m", "quiz_score": 1.5}, "at most"),
        ("module_completed", {"assignment_id": 1, "module": "m", "quiz_score": "A"}, "float"),
        ("alert_raised", {"signal_kind": "pulse_score", "value": float("nan")}, "finite"),
        ("alert_recovered", {"signal_kind": "x" * 65}, "1 to 64 characters"),
        ("data_accessed", {"purpose": "curiosity"}, "purpose must be one of"),
        ("one_on_one_logged", {"follow_ups": -1}, "at least 0"),
    ],
)
def test_a_value_out_of_shape_is_refused(
    engine: Engine, name: str, fields: dict[str, object], message: str
) -> None:
    with Session(engine) as session, pytest.raises(ValueError, match=message):
        emit(session, name, **fields)


def test_a_naive_time_is_refused(engine: Engine) -> None:
    with Session(engine) as session, pytest.raises(ValueError, match="timezone-aware"):
        emit(session, "one_on_one_prepped", at=datetime(2026, 1, 1))


def test_every_event_is_specified_and_documented() -> None:
    doc = storage.measures.__doc__ or ""
    assert set(EVENT_FIELDS) == set(Measure)
    for measure in Measure:
        assert f"\n{measure.value}\n" in doc, f"{measure.value} is not documented"
        documented = doc.split(f"\n{measure.value}\n", 1)[1].split("--", 1)[0]
        for field in EVENT_FIELDS[measure]:
            assert field in documented, f"{measure.value}.{field} is not documented"
        assert REQUIRED_FIELDS[measure] <= set(EVENT_FIELDS[measure])


def test_the_events_the_reports_need_are_present() -> None:
    needed = {
        "review_drafted": set(),
        "review_version_edited": {"edit_seconds", "chars_changed"},
        "review_signed_off": {"stage"},
        "module_completed": {"quiz_score"},
        "alert_raised": {"signal_kind"},
        "one_on_one_logged": {"follow_ups"},
    }
    for name, fields in needed.items():
        assert fields <= REQUIRED_FIELDS[Measure(name)]
