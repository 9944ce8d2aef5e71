"""my_data: an employee asks what Tandem knows about them, and who has looked.

Triggered by: "what do you know about me?", "who accessed my data?" (intent `my_data`).
Reads: the data policy, which kinds of records exist about the requester (counts only), the
audit chain's events about them, alerts raised about them, their team's pilot arm.
Writes: nothing besides the audit event the dispatcher records for every answer.

Limitations: it lists record kinds and counts, not the records themselves; a full export
(a subject access request) is HR's job and not automated yet.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from skills.answer import Action, Answer, Citation, Fact, Footer, Section
from skills.base import SkillContext, SkillRequest, SkillResult
from skills.policy import consumers_label
from storage.data_policy import DataPolicy
from storage.tables import (
    Assignment,
    AuditEvent,
    Employee,
    Goal,
    MeasurementEvent,
    Meeting,
    Note,
    PilotArm,
    Signal,
)

ACCESS_LIMIT = 15


def handle(ctx: SkillContext, request: SkillRequest) -> SkillResult:
    """List the fields used about the requester, recent access, alerts and pilot arm."""
    session, library, policy = ctx.session, ctx.library, ctx.settings.data_policy
    me = request.requester.employee_id
    person = session.get(Employee, me)
    assert person is not None

    held = _fields_held(session, me)
    facts = tuple(_field_fact(policy, name, count) for name, count in sorted(held.items()))
    accesses = _access_lines(session, me)
    alerts = _alert_lines(session, me)
    arm = _pilot_arm(session, person)

    sections = [
        Section(
            library.copy("my_data.access_title"),
            tuple(accesses) or (library.copy("my_data.no_access"),),
        ),
        Section(
            library.copy("my_data.alerts_title"),
            tuple(alerts) or (library.copy("my_data.no_alerts"),),
        ),
        Section(
            library.copy("my_data.pilot_title"),
            (
                library.copy("my_data.pilot_arm", pilot=arm[0], arm=arm[1])
                if arm
                else library.copy("my_data.no_pilot"),
            ),
        ),
        Section(library.copy("my_data.dispute_title"), (library.copy("my_data.dispute_howto"),)),
    ]
    answer = Answer(
        intent="my_data",
        summary=library.copy("my_data.summary", name=person.name, fields=len(facts)),
        facts=facts,
        sections=tuple(sections),
        citations=(Citation("policy:app.yaml", library.copy("my_data.policy_source")),),
        actions=(
            Action(library.copy("my_data.faq_action"), "faq"),
            Action(library.copy("my_data.dispute_action"), "dispute <what you disagree with>"),
        ),
        footer=Footer(
            composer="rules",
            prompt_pack=ctx.settings.composer.prompt_pack,
            sources=("data policy", "audit log"),
        ),
    )
    return SkillResult(answer=answer, composer="rules")


def _fields_held(session: Session, employee_id: int) -> Counter[str]:
    held: Counter[str] = Counter({"employee.profile": 1})
    signal_rows = session.execute(
        select(col(Signal.kind), func.count())
        .where(col(Signal.employee_id) == employee_id)
        .group_by(col(Signal.kind))
    ).all()
    for kind, count in signal_rows:
        held[f"signal.{kind}"] = count
    note_rows = session.execute(
        select(col(Note.kind), col(Note.category), col(Note.visibility), func.count())
        .where(col(Note.subject_id) == employee_id)
        .group_by(col(Note.kind), col(Note.category), col(Note.visibility))
    ).all()
    for kind, category, visibility, count in note_rows:
        if category != "general":
            held[f"record.{category}"] += count
        elif visibility == "private":
            held["note.private"] += count
        else:
            held[f"note.{kind}"] += count
    for field, table, column in (
        ("goal.status", Goal, Goal.employee_id),
        ("meeting.one_on_one", Meeting, Meeting.employee_id),
        ("learning.assignment", Assignment, Assignment.employee_id),
    ):
        count = session.execute(
            select(func.count()).select_from(table).where(col(column) == employee_id)
        ).scalar_one()
        if count:
            held[field] = count
    return held


def _field_fact(policy: DataPolicy, name: str, count: int) -> Fact:
    rule = policy.rule_for(name)
    if rule is None:
        return Fact(label=name, value=f"{count} record(s); not in the data policy", citations=())
    purposes = ", ".join(rule.purposes) or "none: never used as evidence"
    return Fact(
        label=rule.description,
        value=f"{count} record(s)",
        citations=("policy:app.yaml",),
        why=(
            f"used for: {purposes}; kept {rule.retention_days} days; "
            f"readable by: {consumers_label(rule.consumers)}"
        ),
    )


def _access_lines(session: Session, employee_id: int) -> list[str]:
    rows = session.execute(
        select(AuditEvent)
        .where(
            col(AuditEvent.subject_id) == employee_id,
            # A refused request read nothing, so it is not an access to list here.
            col(AuditEvent.action).not_in(("denied", "payloads_purged")),
        )
        .order_by(col(AuditEvent.seq).desc())
        .limit(ACCESS_LIMIT)
    ).scalars()
    names: dict[int, str] = {}
    lines = []
    for event in rows:
        actor = _name(session, names, event.actor_id)
        purpose = f" for {event.purpose}" if event.purpose else ""
        action = event.action.replace("_", " ")
        lines.append(f"A{event.seq}, {_day(event.at)}: {actor}, {action}{purpose}")
    return lines


def _alert_lines(session: Session, employee_id: int) -> list[str]:
    rows = session.execute(
        select(MeasurementEvent)
        .where(
            col(MeasurementEvent.subject_id) == employee_id,
            col(MeasurementEvent.name) == "alert_raised",
        )
        .order_by(col(MeasurementEvent.at).desc())
        .limit(ACCESS_LIMIT)
    ).scalars()
    return [f"{_day(row.at)}: {row.fields.get('signal', 'a signal')} dipped" for row in rows]


def _pilot_arm(session: Session, person: Employee) -> tuple[str, str] | None:
    if not person.team:
        return None
    row = session.execute(
        select(PilotArm).where(col(PilotArm.team) == person.team).limit(1)
    ).scalar_one_or_none()
    return (row.pilot, row.arm) if row else None


def _name(session: Session, cache: dict[int, str], employee_id: int | None) -> str:
    if employee_id is None:
        return "Tandem"
    if employee_id not in cache:
        person = session.get(Employee, employee_id)
        cache[employee_id] = person.name if person else f"person {employee_id}"
    return cache[employee_id]


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")
