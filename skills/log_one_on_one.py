"""log_one_on_one: a manager logs how a 1:1 went; next steps become follow-ups.

Triggered by: "1:1 with Dana done: agreed daily prioritisation, check in Friday" (intent
`log_one_on_one`), after policy has allowed `prep` on the subject.
Reads: the pair's most recent meeting that has started (or today's).
Writes: a `MeetingOutcome` (summary encrypted), one `FollowUp` per agreed item (encrypted,
with a due date when a weekday or "tomorrow"/"next week" is named), marks the meeting done,
and emits `one_on_one_logged`. The next prep shows the open follow-ups.

Limitations: follow-ups are split on commas, semicolons and "and then"; dates other than
weekdays, "tomorrow" and "next week" are kept in the text but not parsed into a due date.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlmodel import col

from skills.answer import Answer, Citation, Section
from skills.base import SkillContext, SkillRequest, SkillResult
from skills.prompt_pack import load_pack
from storage.measures import emit
from storage.tables import FollowUp, Meeting, MeetingOutcome

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SPLIT = re.compile(r"\s*(?:[;,]|\band then\b|\bthen\b)\s*", re.IGNORECASE)
OUTCOME = re.compile(r"(?::\s|\s[-\u2013\u2014]\s)(?P<outcome>.+)$", re.DOTALL)
LEAD_WORDS = re.compile(r"^(?:and\s+|we\s+|agreed\s+(?:to\s+|on\s+)?|will\s+)+", re.IGNORECASE)
GROUP = "prep"


def handle(ctx: SkillContext, request: SkillRequest) -> SkillResult:
    """Store the outcome and its follow-ups, and confirm what was logged."""
    subject = request.subject
    assert subject is not None
    assert subject.id is not None
    pack = load_pack(
        ctx.settings.resolve(ctx.settings.paths.prompts), ctx.settings.composer.prompt_pack
    )
    first = subject.name.split()[0]
    outcome_text = (request.detail or outcome_of(request.text)).strip().rstrip(".")
    if not outcome_text:
        answer = Answer("log_one_on_one", pack.render(GROUP, "log.prompt", first_name=first))
        return SkillResult(answer=answer, composer="rules")

    meeting = _latest_meeting(ctx, request.requester.employee_id, subject.id)
    outcome = MeetingOutcome(
        meeting_id=meeting.id if meeting else None,
        manager_id=request.requester.employee_id,
        employee_id=subject.id,
        summary=outcome_text,
        held_on=ctx.now.date(),
        logged_at=ctx.now,
    )
    ctx.session.add(outcome)
    if meeting is not None:
        meeting.status = "done"
        ctx.session.add(meeting)
    ctx.session.flush()
    assert outcome.id is not None
    items = follow_ups_of(outcome_text, today=ctx.now.date())
    rows = [
        FollowUp(outcome_id=outcome.id, employee_id=subject.id, text=text, due_on=due)
        for text, due in items
    ]
    ctx.session.add_all(rows)
    ctx.session.flush()
    emit(
        ctx.session,
        "one_on_one_logged",
        actor_id=request.requester.employee_id,
        subject_id=subject.id,
        follow_ups=len(rows),
        meeting_id=meeting.id if meeting else None,
    )

    lines = tuple(f"{row.text}" + (f" (due {row.due_on})" if row.due_on else "") for row in rows)
    summary = pack.render(GROUP, "log.logged", name=subject.name, day=ctx.now.date())
    sections: tuple[Section, ...] = ()
    if rows:
        refs = tuple(f"followup:{row.id}" for row in rows)
        sections = (Section(pack.render(GROUP, "log.follow_ups"), lines, refs),)
    else:
        summary += "\n" + pack.render(GROUP, "log.none")
    answer = Answer(
        intent="log_one_on_one",
        summary=summary,
        sections=sections,
        citations=tuple(Citation(f"followup:{row.id}", "follow-up", row.text) for row in rows),
        record_ids=(f"outcome:{outcome.id}", *(f"followup:{row.id}" for row in rows)),
    )
    return SkillResult(answer=answer, composer="rules", pack_version=pack.label)


def outcome_of(text: str) -> str:
    """The outcome part of a log message: what follows `done:` (or the first `: `)."""
    match = OUTCOME.search(text)
    return match.group("outcome").strip().rstrip(".") if match else ""


def follow_ups_of(outcome: str, *, today: date) -> list[tuple[str, date | None]]:
    """Split an outcome into follow-up items, each with a due date when one is named."""
    items = []
    for part in SPLIT.split(outcome):
        text = LEAD_WORDS.sub("", part.strip()).strip(" .")
        if len(text) < 3:
            continue
        items.append((text[0].upper() + text[1:], due_date(text, today=today)))
    return items


def due_date(text: str, *, today: date) -> date | None:
    """The date a phrase names: a weekday (the next one), tomorrow, or next week."""
    lowered = text.lower()
    if "tomorrow" in lowered:
        return today + timedelta(days=1)
    if "next week" in lowered:
        return today + timedelta(days=7)
    for index, name in enumerate(WEEKDAYS):
        if re.search(rf"\b{name}\b", lowered):
            ahead = (index - today.weekday()) % 7 or 7
            return today + timedelta(days=ahead)
    return None


def _latest_meeting(ctx: SkillContext, manager_id: int, employee_id: int) -> Meeting | None:
    end_of_today = datetime.combine(ctx.now.date(), datetime.max.time(), tzinfo=ctx.now.tzinfo)
    return ctx.session.execute(
        select(Meeting)
        .where(
            col(Meeting.manager_id) == manager_id,
            col(Meeting.employee_id) == employee_id,
            col(Meeting.starts_at) <= end_of_today,
            col(Meeting.status) == "scheduled",
        )
        .order_by(col(Meeting.starts_at).desc())
        .limit(1)
    ).scalar_one_or_none()
