"""Policy: scope from the organisation chart, fields from the data policy."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from skills.policy import (
    Relation,
    Requester,
    grant,
    may_read_note,
    requester_for,
    visible_people,
)
from storage.config import Settings
from storage.db import session_scope
from storage.tables import Employee, Note

WHEN = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def org(engine: Engine) -> dict[str, int]:
    """boss -> lead -> (ann, ben); hr on the side; outsider under nobody."""
    ids: dict[str, int] = {}
    with session_scope(engine) as session:
        boss = Employee(external_id="boss", name="Bea Boss")
        session.add(boss)
        session.flush()
        lead = Employee(external_id="lead", name="Lee Lead", manager_id=boss.id)
        hr = Employee(external_id="hr", name="Hana Hr", is_hr_admin=True, manager_id=boss.id)
        outsider = Employee(external_id="out", name="Otto Side")
        session.add_all([lead, hr, outsider])
        session.flush()
        ann = Employee(external_id="ann", name="Ann Report", manager_id=lead.id)
        ben = Employee(external_id="ben", name="Ben Report", manager_id=lead.id)
        session.add_all([ann, ben])
        session.flush()
        for person in (boss, lead, hr, outsider, ann, ben):
            assert person.id is not None
            ids[person.external_id] = person.id
    return ids


def _requester(engine: Engine, settings: Settings, employee_id: int) -> Requester:
    with Session(engine) as session:
        person = session.get(Employee, employee_id)
        assert person is not None
        return requester_for(session, person, settings)


def test_manager_sees_direct_reports_only(
    engine: Engine, settings: Settings, org: dict[str, int]
) -> None:
    boss = _requester(engine, settings, org["boss"])
    assert boss.is_manager
    assert grant(boss, org["lead"], "prep", settings.data_policy) is not None
    assert grant(boss, org["ann"], "prep", settings.data_policy) is None


def test_indirect_reports_follow_the_setting(
    engine: Engine, settings: Settings, org: dict[str, int]
) -> None:
    wider = settings.model_copy(
        update={"org": settings.org.model_copy(update={"include_indirect_reports": True})}
    )
    boss = _requester(engine, wider, org["boss"])
    assert grant(boss, org["ann"], "prep", wider.data_policy) is not None


def test_employee_sees_only_themself(
    engine: Engine, settings: Settings, org: dict[str, int]
) -> None:
    ann = _requester(engine, settings, org["ann"])
    assert not ann.is_manager
    assert grant(ann, org["ben"], "prep", settings.data_policy) is None
    mine = grant(ann, org["ann"], "my_data", settings.data_policy)
    assert mine is not None
    assert mine.relation is Relation.SELF


def test_hr_sees_everyone_and_only_hr_may_audit_fairness(
    engine: Engine, settings: Settings, org: dict[str, int]
) -> None:
    hr = _requester(engine, settings, org["hr"])
    lead = _requester(engine, settings, org["lead"])
    assert hr.is_hr
    audit = grant(hr, org["ann"], "fairness_audit", settings.data_policy)
    assert audit is not None
    assert "sensitive.sex" in audit.fields
    assert grant(lead, org["ann"], "fairness_audit", settings.data_policy) is None
    with Session(engine) as session:
        assert len(visible_people(session, hr)) == len(org)


def test_sensitive_medical_and_disciplinary_never_serve_prep(
    engine: Engine, settings: Settings, org: dict[str, int]
) -> None:
    lead = _requester(engine, settings, org["lead"])
    access = grant(lead, org["ann"], "prep", settings.data_policy)
    assert access is not None
    for field in ("sensitive.sex", "sensitive.ethnicity", "record.medical", "record.disciplinary"):
        assert not access.allows(field)
        assert field in access.excluded


def test_private_note_is_readable_by_its_author_only(
    engine: Engine, settings: Settings, org: dict[str, int]
) -> None:
    lead = _requester(engine, settings, org["lead"])
    hr = _requester(engine, settings, org["hr"])
    note = Note(
        id=1,
        subject_id=org["ann"],
        author_id=org["lead"],
        kind="manager_note",
        visibility="private",
        text="private thought",
        written_at=WHEN,
    )
    lead_access = grant(lead, org["ann"], "prep", settings.data_policy)
    hr_access = grant(hr, org["ann"], "prep", settings.data_policy)
    assert lead_access is not None
    assert hr_access is not None
    assert may_read_note(lead_access, note)
    assert not may_read_note(hr_access, note)


def test_medical_note_is_never_readable(
    engine: Engine, settings: Settings, org: dict[str, int]
) -> None:
    hr = _requester(engine, settings, org["hr"])
    access = grant(hr, org["ann"], "review", settings.data_policy)
    assert access is not None
    note = Note(
        id=2,
        subject_id=org["ann"],
        author_id=org["hr"],
        kind="manager_note",
        category="medical",
        text="x",
        written_at=WHEN,
    )
    assert not may_read_note(access, note)
