"""prep_one_on_one: grounded talking points for a manager's next 1:1 with a report.

Triggered by: "prep my 1:1 with Dana", "what should I talk about with Sam?" (intent
`prep_one_on_one`), after the dispatcher has checked that the requester may see the subject
for the `prep` purpose.
Reads: the subject's signals, notes, goals, open follow-ups and next meeting, limited to the
fields the data policy allows for `prep`; teammates' newest snapshot values when a person has
a single snapshot (HRIS exports) and so no baseline of their own.
Writes: nothing itself; the dispatcher audits the answer with every record id it used, and a
`one_on_one_prepped` measurement event is emitted.

Limitations: the offline composer phrases answers from fixed templates in the prompt pack;
feedback themes need the notes to be in the vector index (`tandem index notes`), otherwise
recent feedback is listed without grouping. Signals recorded in local time are compared by
UTC week boundaries.
"""

from __future__ import annotations

import json

from skills.answer import Answer
from skills.base import SkillContext, SkillRequest, SkillResult
from skills.baselines import SignalSpec, read_signals
from skills.content import ContentLibrary
from skills.evidence import Evidence, gather
from skills.prep_compose import compose_prep, compose_too_little
from skills.prompt_pack import load_pack
from storage.measures import emit


def signal_specs(library: ContentLibrary) -> dict[str, SignalSpec]:
    """Comparison specs for every signal kind the content library defines."""
    return {
        signal.kind: SignalSpec(
            kind=signal.kind,
            label=signal.label,
            unit=signal.unit,
            direction=signal.direction,
            weekly=signal.cadence == "weekly",
        )
        for signal in library.signals
        if signal.unit != "date"
    }


def handle(ctx: SkillContext, request: SkillRequest) -> SkillResult:
    """Build the prep for the request's subject."""
    subject, access = request.subject, request.access
    assert subject is not None
    assert access is not None
    pack = load_pack(
        ctx.settings.resolve(ctx.settings.paths.prompts), ctx.settings.composer.prompt_pack
    )
    if not subject.is_active:
        summary = ctx.library.copy("errors.inactive_employee", name=subject.name)
        return SkillResult(answer=Answer(intent="prep_one_on_one", summary=summary))

    snapshots = [signal.kind for signal in ctx.library.signals if signal.cadence == "snapshot"]
    evidence = gather(ctx.session, access, subject, now=ctx.now, snapshot_kinds=snapshots)
    readings = read_signals(ctx.session, evidence, signal_specs(ctx.library), now=ctx.now)
    if readings:
        answer = compose_prep(ctx, evidence, readings, pack)
    else:
        answer = compose_too_little(ctx, evidence, pack)

    emit(
        ctx.session,
        "one_on_one_prepped",
        actor_id=request.requester.employee_id,
        subject_id=subject.id,
        meeting_id=evidence.next_meeting.id if evidence.next_meeting else None,
    )
    return SkillResult(
        answer=answer,
        input_payload=_payload(evidence),
        composer="offline",
        pack_version=pack.label,
    )


def _payload(evidence: Evidence) -> str:
    """What the composer saw, for the encrypted audit payload: facts and record ids."""
    facts = {
        ref: {"value": fact.value, "unit": fact.unit, "method": fact.method, "inputs": fact.inputs}
        for ref, fact in evidence.facts.items()
    }
    return json.dumps(
        {"records": evidence.record_ids(), "facts": facts, "excluded": evidence.excluded_fields},
        sort_keys=True,
    )
