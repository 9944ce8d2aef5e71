"""dispute: an employee disputes an AI output about them; HR is told and resolves it.

Triggered by: "dispute A41: the prep says I missed deadlines, but those were reassigned",
"I disagree with this suggestion" (intent `dispute`).
Reads: the audit chain, to link the dispute to the output it is about: the event named by
its number (`A41`), or else the newest event about the requester.
Writes: a `Dispute` row (reason encrypted), a `dispute_opened` measurement event, and a
direct message to every HR admin.

Limitations: HR resolves disputes with `tandem disputes resolve`; there is no card or
modal for it in Slack or Teams yet.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlmodel import col

from skills.answer import Answer, Citation
from skills.base import Delivery, SkillContext, SkillRequest, SkillResult
from storage.measures import emit
from storage.tables import AuditEvent, Dispute, Employee

EVENT_REF = re.compile(r"\b[Aa]#?(\d{1,9})\b")


def handle(ctx: SkillContext, request: SkillRequest) -> SkillResult:
    """Open a dispute linked to the output it is about, and tell HR."""
    session, library = ctx.session, ctx.library
    me = request.requester.employee_id
    reason = (request.detail or request.text).strip()

    event = _target_event(ctx, me, reason)
    dispute = Dispute(
        audit_event_id=event.id if event else None,
        employee_id=me,
        reason=reason,
        opened_at=ctx.now,
    )
    session.add(dispute)
    session.flush()
    assert dispute.id is not None
    emit(
        session,
        "dispute_opened",
        actor_id=me,
        subject_id=me,
        dispute_id=dispute.id,
        audit_event_id=event.id if event else None,
    )

    about = f"A{event.seq}" if event else library.copy("dispute.no_output")
    hr_ids = session.execute(
        select(col(Employee.id)).where(col(Employee.is_hr_admin).is_(True))
    ).scalars()
    notice = library.copy(
        "dispute.hr_notice", name=request.requester.name, dispute=f"X{dispute.id}", about=about
    )
    deliveries = tuple(Delivery(hr_id, "dispute_opened", notice) for hr_id in hr_ids)
    citations = (Citation(f"audit:{event.seq}", f"audit event A{event.seq}"),) if event else ()
    answer = Answer(
        intent="dispute",
        summary=library.copy("dispute.opened", dispute=f"X{dispute.id}", about=about),
        citations=citations,
        short_ids={f"X{dispute.id}": f"dispute:{dispute.id}"},
    )
    return SkillResult(answer=answer, composer="rules", deliveries=deliveries)


def _target_event(ctx: SkillContext, me: int, reason: str) -> AuditEvent | None:
    query = select(AuditEvent).where(col(AuditEvent.subject_id) == me)
    match = EVENT_REF.search(reason)
    if match:
        query = query.where(col(AuditEvent.seq) == int(match.group(1)))
    else:
        query = query.where(col(AuditEvent.action) != "dispute")
    return ctx.session.execute(
        query.order_by(col(AuditEvent.seq).desc()).limit(1)
    ).scalar_one_or_none()
