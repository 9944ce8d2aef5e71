"""Walk every (requester, subject, purpose, record kind) of the demo organisation.

For each pair and purpose, the evidence loader may only return records whose policy field the
access allows (private notes only to their author), and nothing when there is no access. Then
every prep reply and every "my data" reply is checked for text the policy denies.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from bot.dispatch import Core, handle_turn
from bot.render.text import render_answer
from bot.turn import Turn
from skills.evidence import gather
from skills.policy import Access, grant, note_field, requester_for
from storage.data_policy import PURPOSES, DataPolicy
from storage.tables import Employee, Note, SensitiveAttribute

pytestmark = pytest.mark.slow


def _check_evidence(session: Session, access: Access, subject: Employee) -> int:
    evidence = gather(session, access, subject, now=datetime.now(UTC), note_days=3650)
    checked = 0
    for kind, rows in evidence.signals.items():
        assert access.allows(f"signal.{kind}"), (access.purpose, kind)
        checked += len(rows)
    for note in evidence.notes:
        field = note_field(note)
        assert field not in ("record.medical", "record.disciplinary")
        if field == "note.private":
            assert note.author_id == access.requester.employee_id
        else:
            assert access.allows(field), (access.purpose, field)
        checked += 1
    if evidence.goals:
        assert access.allows("goal.status")
    return checked


def test_evidence_never_holds_a_denied_record(core: Core) -> None:
    policy = core.settings.data_policy
    checked = granted = 0
    with Session(core.engine) as session:
        people = list(session.execute(select(Employee)).scalars())
        for person in people:
            requester = requester_for(session, person, core.settings)
            for subject in people:
                assert subject.id is not None
                for purpose in PURPOSES:
                    access = grant(requester, subject.id, purpose, policy)
                    if access is None:
                        continue
                    granted += 1
                    checked += _check_evidence(session, access, subject)
    assert granted > len(people) * 2
    assert checked > 1000


def _denied_texts(
    session: Session, policy: DataPolicy, reader: Employee, subject: Employee, purpose: str
) -> list[str]:
    notes = session.execute(select(Note).where(col(Note.subject_id) == subject.id)).scalars()
    denied = []
    for note in notes:
        field = note_field(note)
        rule = policy.rule_for(field)
        readable = rule is not None and purpose in rule.purposes
        if field == "note.private":
            readable = readable and note.author_id == reader.id
        if not readable or field.startswith("record."):
            denied.append(note.text[:40])
    return denied


def _reply(core: Core, who: Employee, text: str) -> str:
    turn = Turn(channel="console", user_id=who.email or who.external_id, text=text)
    return "\n".join(render_answer(reply.answer) for reply in handle_turn(core, turn))


def test_no_reply_carries_denied_text_or_sensitive_attributes(core: Core) -> None:
    with Session(core.engine) as session:
        people = {p.id: p for p in session.execute(select(Employee)).scalars()}
        sensitive = list(session.execute(select(SensitiveAttribute)).scalars())
    policy = core.settings.data_policy
    replies = 0
    for person in people.values():
        if not person.is_active:
            continue
        reports = [p for p in people.values() if p.manager_id == person.id and p.is_active]
        for report in reports:
            reply = _reply(core, person, f"prep my 1:1 with {report.name}")
            with Session(core.engine) as session:
                for text in _denied_texts(session, policy, person, report, "prep"):
                    assert text not in reply, (person.name, report.name)
            for attribute in sensitive:
                if attribute.employee_id == report.id and attribute.ethnicity:
                    assert attribute.ethnicity not in reply
            replies += 1
        mine = _reply(core, person, "what do you know about me?")
        with Session(core.engine) as session:
            notes = session.execute(select(Note).where(col(Note.subject_id) == person.id))
            for note in notes.scalars():
                assert note.text[:40] not in mine
        replies += 1
    assert replies > 100
