"""The offline composer for 1:1 prep: evidence and readings in, a cited `Answer` out.

It never invents a figure: every number it shows is the value of a computed fact or of a
record it cites, and the phrases come from the prompt pack, keyed by signal and direction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from skills.answer import Answer, Citation, Fact, Footer, Section
from skills.base import SkillContext
from skills.baselines import Reading
from skills.evidence import ComputedFact, Evidence
from skills.numbers import format_value, number, percent
from skills.prep_feedback import feedback_view
from skills.prompt_pack import PromptPack, render_string
from storage.tables import Goal, Meeting

TOP_SIGNALS = 5
MAX_STARTERS = 5
MIN_STARTERS = 3
STALE_AFTER = timedelta(days=180)
MAX_FOLLOW_UPS = 5
GROUP = "prep"


def compose_prep(
    ctx: SkillContext, evidence: Evidence, readings: list[Reading], pack: PromptPack
) -> Answer:
    """The full prep: summary, top signals, starters, next steps, module, checklist."""
    subject = evidence.subject
    first = subject.name.split()[0]
    top = readings[:TOP_SIGNALS]
    worse = [reading for reading in top if reading.is_worse]
    better = [reading for reading in top if reading.is_better]
    at_risk = [goal for goal in evidence.goals if goal.status == "at_risk"]
    review_day = _day(ctx.now + timedelta(days=14))

    facts = [_reading_fact(ctx, pack, reading) for reading in top]
    facts += [_goal_fact(pack, goal) for goal in at_risk]
    facts += _last_review_facts(pack, evidence)
    starters = _starters(pack, worse, better, at_risk)
    steps = tuple(
        pack.render(
            GROUP,
            _signal_path(pack, reading.spec.kind, "worse", "next_step"),
            **_values(reading, review_day=review_day),
        )
        for reading in worse[:2]
    ) or (pack.render(GROUP, "steady_next_step", first_name=first, review_day=review_day),)
    step_refs = tuple(reading.baseline.ref for reading in worse[:2])
    sections = [
        Section(pack.render(GROUP, "sections.starters"), starters),
        Section(pack.render(GROUP, "sections.next_steps"), steps, step_refs),
    ]
    module_sections, module_citations = _module_suggestion(ctx, pack, worse)
    sections += module_sections
    sections += _follow_up_sections(pack, evidence)
    feedback = feedback_view(ctx, pack, evidence)
    sections += feedback.sections
    sections.append(_checklist(pack, first))

    summary = _summary(pack, evidence, worse, better, first) + _staleness(ctx, pack, evidence)
    return Answer(
        intent="prep_one_on_one",
        summary=summary,
        facts=tuple(facts),
        sections=tuple(sections),
        citations=_citations(evidence, top, at_risk) + module_citations + feedback.citations,
        footer=_footer(ctx, evidence, pack),
        record_ids=evidence.record_ids(),
    )


def compose_too_little(ctx: SkillContext, evidence: Evidence, pack: PromptPack) -> Answer:
    """Say what is missing instead of filling in."""
    first = evidence.subject.name.split()[0]
    have = [
        f"{len(rows)} {kind.replace('_', ' ')} value{'s' if len(rows) != 1 else ''}"
        for kind, rows in sorted(evidence.signals.items())
    ]
    lines = [
        pack.render(GROUP, "too_little_data.missing", items=_missing(evidence), first_name=first)
    ]
    if have:
        lines.append(pack.render(GROUP, "too_little_data.have", items=", ".join(have)))
    lines.append(pack.render(GROUP, "too_little_data.advice"))
    sections = [Section(pack.render(GROUP, "sections.missing"), tuple(lines))]
    sections += _follow_up_sections(pack, evidence)
    sections.append(_checklist(pack, first))
    headline = pack.render(
        GROUP,
        "summary.headline",
        name=evidence.subject.name,
        title=evidence.subject.title or "",
        meeting=_meeting_line(pack, evidence.next_meeting),
    )
    summary = headline + "\n" + pack.render(GROUP, "summary.too_little", first_name=first)
    return Answer(
        intent="prep_one_on_one",
        summary=summary,
        sections=tuple(sections),
        citations=_citations(evidence, [], []),
        footer=_footer(ctx, evidence, pack),
        record_ids=evidence.record_ids(),
    )


def _reading_fact(ctx: SkillContext, pack: PromptPack, reading: Reading) -> Fact:
    spec = reading.spec
    values = _values(reading)
    direction = "worse" if reading.is_worse else "better" if reading.is_better else "steady"
    if reading.baseline_kind != "own":
        direction += f"_{reading.baseline_kind}"
    return Fact(
        label=spec.label,
        value=f"{values['recent']}, {pack.render(GROUP, f'facts.direction_{direction}')}",
        baseline=pack.render(
            GROUP,
            f"facts.baseline_{reading.baseline_kind}",
            baseline=values["baseline"],
            spread=number(reading.spread),
        ),
        why=ctx.library.signal(spec.kind).why,
        citations=(reading.recent.ref, reading.baseline.ref),
    )


def _goal_fact(pack: PromptPack, goal: Goal) -> Fact:
    return Fact(
        label=pack.render(GROUP, "goals.at_risk_label"),
        value=pack.render(GROUP, "goals.at_risk", **_goal_values(goal)),
        citations=(f"goal:{goal.id}",),
    )


def _last_review_facts(pack: PromptPack, evidence: Evidence) -> list[Fact]:
    rows = evidence.signals.get("review_completed")
    if not rows:
        return []
    latest = rows[-1]
    return [
        Fact(
            label=pack.render(GROUP, "facts.last_review"),
            value=_day(latest.ts),
            citations=(f"signal:{latest.id}",),
        )
    ]


def _values(reading: Reading, *, review_day: str = "") -> dict[str, str]:
    spec = reading.spec
    return {
        "label": spec.label,
        "recent": format_value(reading.recent.value, unit=spec.unit, weekly=spec.weekly),
        "baseline": format_value(reading.baseline.value, unit=spec.unit, weekly=spec.weekly),
        "target": number(reading.baseline.value),
        "review_day": review_day,
    }


def _signal_path(pack: PromptPack, kind: str, direction: str, leaf: str) -> str:
    path = f"signals.{kind}.{direction}.{leaf}"
    return path if pack.raw(GROUP, path) is not None else f"signals._default.{direction}.{leaf}"


def _starters(
    pack: PromptPack, worse: list[Reading], better: list[Reading], at_risk: list[Goal]
) -> tuple[str, ...]:
    lines: list[str] = []
    for reading in worse:
        templates = pack.raw(GROUP, _signal_path(pack, reading.spec.kind, "worse", "starters"))
        lines += [render_string(template, **_values(reading)) for template in templates[:2]]
    for goal in at_risk[:1]:
        lines.append(pack.render(GROUP, "goals.starter", **_goal_values(goal)))
    for reading in better:
        templates = pack.raw(GROUP, _signal_path(pack, reading.spec.kind, "better", "starters"))
        lines.append(render_string(templates[0], **_values(reading)))
    for template in pack.raw(GROUP, "steady_starters"):
        if len(lines) >= MIN_STARTERS:
            break
        lines.append(template)
    unique = list(dict.fromkeys(lines))
    return tuple(unique[:MAX_STARTERS])


def _module_suggestion(
    ctx: SkillContext, pack: PromptPack, worse: list[Reading]
) -> tuple[list[Section], tuple[Citation, ...]]:
    # TODO: offer a one-click "assign" action once the assign_module skill exists; until
    # then the suggestion is information only, so no button leads to a dead end.
    for reading in worse:
        modules = ctx.library.modules_for_signal(reading.spec.kind, audience="employee")
        if modules:
            module = modules[0]
            line = pack.render(
                GROUP,
                "sections.module_line",
                title=module.title,
                minutes=module.minutes,
                objective=module.objective,
            )
            ref = f"module:{module.slug}"
            citation = Citation(
                ref, module.title, f"content/modules, suggested for {reading.spec.label.lower()}"
            )
            return [Section(pack.render(GROUP, "sections.module"), (line,), (ref,))], (citation,)
    return [], ()


def _follow_up_sections(pack: PromptPack, evidence: Evidence) -> list[Section]:
    if not evidence.follow_ups:
        return []
    # The newest few: a long list of old follow-ups buries what was agreed last time.
    shown = evidence.follow_ups[-MAX_FOLLOW_UPS:]
    lines = tuple(
        pack.render(GROUP, "follow_ups.line", text=item.text, due=_day_or_none(item.due_on))
        for item in shown
    )
    refs = tuple(f"followup:{item.id}" for item in shown)
    return [Section(pack.render(GROUP, "follow_ups.title"), lines, refs)]


def _checklist(pack: PromptPack, first: str) -> Section:
    lines = tuple(render_string(line, first_name=first) for line in pack.raw(GROUP, "checklist"))
    return Section(pack.render(GROUP, "sections.checklist"), lines)


def _summary(
    pack: PromptPack, evidence: Evidence, worse: list[Reading], better: list[Reading], first: str
) -> str:
    subject = evidence.subject
    lines = [
        pack.render(
            GROUP,
            "summary.headline",
            name=subject.name,
            title=subject.title or "",
            meeting=_meeting_line(pack, evidence.next_meeting),
        )
    ]
    if worse:
        items = ", ".join(_lower_first(reading.spec.label) for reading in worse[:3])
        own = all(reading.baseline_kind == "own" for reading in worse[:3])
        key = "summary.worse" if own else "summary.worse_peer"
        lines.append(pack.render(GROUP, key, items=items, first_name=first, count=len(worse[:3])))
    elif better:
        items = ", ".join(_lower_first(reading.spec.label) for reading in better[:3])
        lines.append(pack.render(GROUP, "summary.better", items=items))
    else:
        lines.append(pack.render(GROUP, "summary.steady", first_name=first))
    return "\n".join(lines)


def _lower_first(label: str) -> str:
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _meeting_line(pack: PromptPack, meeting: Meeting | None) -> str:
    if meeting is None:
        return pack.render(GROUP, "summary.meeting_none")
    return pack.render(GROUP, "summary.meeting_next", when=_local(meeting))


def _local(meeting: Meeting) -> str:
    try:
        zone = ZoneInfo(meeting.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = meeting.starts_at.astimezone(zone)
    return f"{local:%a %d %b, %H:%M} ({zone.key})"


def _citations(
    evidence: Evidence, top: list[Reading], at_risk: list[Goal]
) -> tuple[Citation, ...]:
    found: list[Citation] = []
    for reading in top:
        found += [_fact_citation(reading.recent), _fact_citation(reading.baseline)]
    found += [Citation(f"goal:{goal.id}", "goal", goal.title) for goal in at_risk]
    found += [
        Citation(f"signal:{row.id}", f"{row.source}: last review date")
        for row in evidence.signals.get("review_completed", [])[-1:]
    ]
    if evidence.next_meeting is not None:
        meeting = evidence.next_meeting
        found.append(Citation(f"meeting:{meeting.id}", "calendar", f"1:1 on {_local(meeting)}"))
    found += [
        Citation(f"followup:{item.id}", "follow-up from a logged 1:1")
        for item in evidence.follow_ups
    ]
    return tuple(dict((c.ref, c) for c in found).values())


def _fact_citation(fact: ComputedFact) -> Citation:
    return Citation(fact.ref, fact.label, f"{fact.method}; {len(fact.inputs)} record(s)")


def _staleness(ctx: SkillContext, pack: PromptPack, evidence: Evidence) -> str:
    newest = [rows[-1].ts for rows in evidence.signals.values() if rows]
    if not newest or ctx.now - max(newest) <= STALE_AFTER:
        return ""
    return "\n" + pack.render(GROUP, "summary.stale", newest=_day(max(newest)))


def _window(evidence: Evidence) -> str:
    stamps = [row.ts for rows in evidence.signals.values() for row in rows]
    stamps += [note.written_at for note in evidence.notes]
    if not stamps:
        return f"{_day(evidence.start)} to {_day(evidence.end)}"
    return f"{_day(min(stamps))} to {_day(max(stamps))}"


def _footer(ctx: SkillContext, evidence: Evidence, pack: PromptPack) -> Footer:
    sources = sorted({row.source for rows in evidence.signals.values() for row in rows})
    if evidence.notes:
        sources.append("notes and feedback")
    return Footer(
        composer="offline",
        prompt_pack=pack.label,
        data_window=_window(evidence),
        sources=tuple(sources),
        excluded_fields=evidence.excluded_fields,
    )


def _missing(evidence: Evidence) -> str:
    kinds = [kind.replace("_", " ") for kind in sorted(evidence.signals)]
    return "comparable history" + (f" for {', '.join(kinds)}" if kinds else " of any signal")


def _goal_values(goal: Goal) -> dict[str, str]:
    progress = percent(goal.progress) if goal.progress is not None else "unknown"
    return {"title": goal.title, "progress": progress, "due": _day_or_none(goal.due_on) or "-"}


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _day_or_none(moment: object) -> str | None:
    return moment.isoformat() if moment is not None and hasattr(moment, "isoformat") else None
