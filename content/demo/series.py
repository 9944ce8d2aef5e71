"""Six months of weekly signals per person, plus survey and review snapshots.

Each person gets their own baseline (hours, lateness, output, pulse) drawn from their role
and a latent quality score, weekly noise around it, a holiday week or two, and the odd day
off. Three stories are laid over the noise: Dana's dip, Sam's steady excellence and Leo's
creeping response times. Jordan simply has little history.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from roster import Person
from stories import apply_story, baseline_override, holiday_free_weeks

WEEKS = 26
SURVEY_DAYS_AGO = (168, 77)
REVIEW_DAYS_AGO = 175

UNITS = {
    "timesheet_hours": "hours",
    "late_days": "days",
    "absence_days": "days",
    "deadlines_met": "count",
    "deadlines_missed": "count",
    "pull_requests": "count",
    "code_reviews": "count",
    "tickets_resolved": "count",
    "ticket_response_hours": "hours",
    "crm_activities": "count",
    "pulse_score": "score",
    "engagement_score": "score",
    "satisfaction_score": "score",
    "performance_score": "rating",
    "review_completed": "date",
}
COMMON = ("timesheet_hours", "late_days", "absence_days", "pulse_score")
DEADLINES = ("deadlines_met", "deadlines_missed")
FAMILY_KINDS = {
    "engineering": ("pull_requests", "code_reviews"),
    "support": ("tickets_resolved", "ticket_response_hours"),
    "sales": ("crm_activities",),
    "executive": (),
}


@dataclass
class Baseline:
    """A person's normal week; every weekly value is noise around these."""

    hours: float
    hours_sd: float
    late_rate: float
    pulse: float
    pulse_answer_rate: float
    deadlines: float
    miss_rate: float
    pull_requests: float
    code_reviews: float
    tickets: float
    response_hours: float
    crm: float


def week_days_ago(weeks_back: int) -> int:
    """Days before the load date at which a week ends; week 0 ended yesterday."""
    return 7 * weeks_back + 1


def weekly_kinds(person: Person) -> tuple[str, ...]:
    """The weekly signal kinds recorded for this person."""
    if person.family == "executive":
        return COMMON
    return COMMON + DEADLINES + FAMILY_KINDS[person.family]


def baseline_for(person: Person, rng: random.Random) -> Baseline:
    """The person's normal week, shaped by role and quality, unless a story fixes it."""
    q = person.quality
    scale = 0.3 if person.is_manager else 1.0
    drawn = Baseline(
        hours=rng.uniform(37.5, 42.5) + (2.0 if person.family == "sales" else 0.0),
        hours_sd=rng.uniform(1.0, 2.2),
        late_rate=max(0.03, rng.uniform(0.05, 0.7) - 0.1 * q),
        pulse=min(4.7, max(2.9, rng.gauss(3.8, 0.35) + 0.15 * q)),
        pulse_answer_rate=rng.uniform(0.8, 1.0),
        deadlines=rng.uniform(2.0, 4.5),
        miss_rate=min(0.3, max(0.02, rng.uniform(0.04, 0.16) - 0.03 * q)),
        pull_requests=scale * max(2.0, rng.uniform(3.5, 6.5) + 0.8 * q),
        code_reviews=scale * max(2.0, rng.uniform(4.0, 8.0) + 0.8 * q),
        tickets=scale * max(20.0, rng.uniform(36.0, 58.0) + 3.0 * q),
        response_hours=max(1.5, rng.uniform(2.2, 4.8) - 0.3 * q),
        crm=scale * max(20.0, rng.uniform(32.0, 58.0) + 4.0 * q),
    )
    return baseline_override(person.id, drawn)


def _absences(person: Person, rng: random.Random) -> dict[int, int]:
    """Days off by weeks back: a holiday week or two and some single days."""
    protected = holiday_free_weeks(person.id)
    candidates = [k for k in range(WEEKS) if k not in protected]
    absences = {k: 5 for k in rng.sample(candidates, rng.choice((1, 1, 2)))}
    for k in candidates:
        if k not in absences and rng.random() < 0.08:
            absences[k] = rng.choice((1, 1, 1, 2))
    return absences


def _worked_days(person: Person, weeks_back: int) -> int | None:
    """Working days available in the week, or None when the person was not employed."""
    ends = week_days_ago(weeks_back)
    if person.hire_days_ago < ends + 2:
        return None
    if person.terminated_days_ago is not None and ends <= person.terminated_days_ago:
        return None
    return min(5, round(5 * (person.hire_days_ago - ends + 1) / 7))


def _week(base: Baseline, worked: int, absent: int, rng: random.Random) -> dict[str, float]:
    """One week's values for a person with `worked` days on the books, `absent` of them off."""
    present = max(0, worked - absent)
    share = present / 5
    deadlines = max(0, round(rng.gauss(base.deadlines * share, 0.9)))
    missed = sum(rng.random() < base.miss_rate for _ in range(deadlines))
    values: dict[str, float] = {
        "timesheet_hours": round(max(0.0, rng.gauss(base.hours, base.hours_sd) * share), 1),
        "late_days": sum(rng.random() < base.late_rate / 5 for _ in range(present)),
        "absence_days": absent,
        "deadlines_met": deadlines - missed,
        "deadlines_missed": missed,
        "pull_requests": max(0, round(rng.gauss(base.pull_requests * share, 1.1))),
        "code_reviews": max(0, round(rng.gauss(base.code_reviews * share, 1.4))),
        "tickets_resolved": max(0, round(rng.gauss(base.tickets * share, 4.0))),
        "crm_activities": max(0, round(rng.gauss(base.crm * share, 5.0))),
    }
    if present:
        values["ticket_response_hours"] = round(
            base.response_hours * rng.lognormvariate(0.0, 0.15), 1
        )
    if present and rng.random() < base.pulse_answer_rate:
        values["pulse_score"] = round(min(5.0, max(1.0, rng.gauss(base.pulse, 0.22))), 1)
    return values


def weekly_series(person: Person, seed: int) -> dict[str, list[list[float]]]:
    """Points ([days_ago, value], oldest first) for every weekly kind of this person."""
    rng = random.Random(f"{seed}:{person.id}:weekly")
    base = baseline_for(person, rng)
    absences = _absences(person, rng)
    kinds = weekly_kinds(person)
    points: dict[str, list[list[float]]] = {kind: [] for kind in kinds}
    for weeks_back in range(WEEKS - 1, -1, -1):
        worked = _worked_days(person, weeks_back)
        if worked is None:
            continue
        week = _week(base, worked, absences.get(weeks_back, 0), rng)
        week = apply_story(person.id, weeks_back, week, rng)
        for kind in kinds:
            if kind in week:
                points[kind].append([week_days_ago(weeks_back), week[kind]])
    return points


def snapshot_series(person: Person, seed: int) -> dict[str, list[list[float]]]:
    """Engagement and satisfaction surveys, and the last review's rating and date."""
    rng = random.Random(f"{seed}:{person.id}:snapshots")
    points: dict[str, list[list[float]]] = {
        "engagement_score": [],
        "satisfaction_score": [],
        "performance_score": [],
        "review_completed": [],
    }
    left = person.terminated_days_ago or 0
    level = min(4.8, max(2.4, rng.gauss(3.8, 0.4) + 0.2 * person.quality))
    for days_ago in SURVEY_DAYS_AGO:
        if person.hire_days_ago > days_ago + 14 and days_ago > left:
            points["engagement_score"].append([days_ago, _score(rng.gauss(level, 0.15))])
            points["satisfaction_score"].append([days_ago, _score(rng.gauss(level, 0.3))])

    reviewed = REVIEW_DAYS_AGO + rng.randint(0, 6)
    if person.manager and person.hire_days_ago > reviewed + 30 and reviewed > left:
        points["performance_score"].append([reviewed, _rating(person.quality, rng)])
        points["review_completed"].append([reviewed, 1])
    return apply_snapshot_story(person.id, points)


def apply_snapshot_story(person_id: str, points: dict[str, Any]) -> dict[str, Any]:
    """Fix the story people's survey and review values."""
    fixed = {
        "demo-002": {
            "engagement_score": (4.1, 3.9),
            "satisfaction_score": (4.2, 4.0),
            "performance_score": (3,),
        },
        "demo-003": {
            "engagement_score": (4.6, 4.7),
            "satisfaction_score": (4.5, 4.6),
            "performance_score": (4,),
        },
    }.get(person_id, {})
    for kind, values in fixed.items():
        for point, value in zip(points[kind], values, strict=True):
            point[1] = value
    return points


def _score(value: float) -> float:
    return round(min(5.0, max(1.0, value)), 1)


def _rating(quality: float, rng: random.Random) -> int:
    """Mostly 3 (fully meets); quality and chance move it up or down."""
    drawn = quality + rng.gauss(0.0, 0.6)
    if drawn > 1.3:
        return 4
    if drawn < -1.6:
        return 2
    return 3
