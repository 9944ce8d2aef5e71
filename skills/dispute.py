"""dispute: an employee disputes an AI output about them; HR is told and resolves it.

Triggered by: "dispute A41: the prep says I missed deadlines, but those were reassigned",
"I disagree with this suggestion: ..." (intent `dispute`).
Reads: the audit chain, to link the dispute to the output it is about: the event named by
its number (`A41`, shown in "what do you know about me?"), which must be about the
requester, or else the newest output about them (refusals and disputes do not count).
Writes: a `Dispute` row (the person's own words, encrypted), a `dispute_opened` measurement
event, and a direct message to every HR admin.

Limitations: HR resolves disputes with `tandem disputes resolve`; there is no card or
modal for it in Slack or Teams yet. A dispute without a reason is not opened: Tandem asks
for one.
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
NOT_OUTPUTS = ("denied", "dispute", "payloads_purged")
DISPUTE_WORDS = re.compile(
    r"\b(i\s+)?(want\s+to\s+|would\s+like\s+to\s+|wish\s+to\s+)?"
    r"(dispute|disagree(\s+with)?|object\s+to|challenge)\b|\b(this|that|the|a|an)\b"
    r"|\b(suggestion|output|answer|prep|please)\b",
    re.IGNORECASE,
)
MIN_REASON_WORDS = 3


def handle(ctx: SkillContext, request: SkillRequest) -> SkillResult:
    """Open a dispute linked to the output it is about, and tell HR."""
    session, library = ctx.session, ctx.library
    me = request.requester.employee_id
    reason = request.text.strip()
    named = EVENT_REF.search(reason)

    event = _target_event(ctx, me, int(named.group(1)) if named else None)
    if named and event is None:
        answer = Answer("dispute", library.copy("dispute.unknown_ref", ref=named.group(0)))
        return SkillResult(answer, composer="rules")
    if len(_reason_words(reason)) < MIN_REASON_WORDS:
        return SkillResult(Answer("dispute", library.copy("dispute.ask_reason")), composer="rules")

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
    notice = library.copy(
        "dispute.hr_notice", name=request.requester.name, dispute=f"X{dispute.id}", about=about
    )
    hr_ids = session.execute(
        select(col(Employee.id)).where(col(Employee.is_hr_admin).is_(True))
    ).scalars()
    deliveries = tuple(Delivery(hr_id, "dispute_opened", notice) for hr_id in hr_ids)
    citations = (Citation(f"audit:{event.seq}", f"audit event A{event.seq}"),) if event else ()
    answer = Answer(
        intent="dispute",
        summary=library.copy("dispute.opened", dispute=f"X{dispute.id}", about=about),
        citations=citations,
        short_ids={f"X{dispute.id}": f"dispute:{dispute.id}"},
    )
    return SkillResult(answer=answer, composer="rules", deliveries=deliveries)


def _reason_words(text: str) -> list[str]:
    without = EVENT_REF.sub(" ", DISPUTE_WORDS.sub(" ", text))
    return re.findall(r"[^\W\d_]{2,}", without)


def _target_event(ctx: SkillContext, me: int, seq: int | None) -> AuditEvent | None:
    query = select(AuditEvent).where(
        col(AuditEvent.subject_id) == me, col(AuditEvent.action).not_in(NOT_OUTPUTS)
    )
    if seq is not None:
        query = query.where(col(AuditEvent.seq) == seq)
    return ctx.session.execute(
        query.order_by(col(AuditEvent.seq).desc()).limit(1)
    ).scalar_one_or_none()
