"""What lies ahead: goals per person, 1:1 series for every manager and report, the cycle."""

from __future__ import annotations

import random
from typing import Any

from roster import Person

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")
SLOTS = ("09:00", "09:30", "10:00", "11:00", "11:30", "13:30", "14:00", "15:00", "16:00")
N_RANGES = {
    "code_reviews": (6, 10),
    "ticket_response_hours": (3, 5),
    "tickets_resolved": (40, 55),
    "crm_activities": (40, 55),
}

REVIEW_CYCLE = {
    "name": "H2 2026",
    "review_type": "annual",
    "high_stakes": False,
    "period_start_days_ago": 182,
    "period_end_in_days": 7,
    "self_eval_opens_in_days": 10,
    "self_eval_due_in_days": 24,
    "manager_due_in_days": 38,
}


def build_goals(
    people: list[Person], phrases: dict[str, Any], stories: dict[str, Any], seed: int
) -> list[dict[str, Any]]:
    """Story goals for the story people, one to three seeded goals for other active people."""
    rng = random.Random(f"{seed}:goals")
    by_id = {person.id: person for person in people}
    goals = [
        {**entry, "created_by": by_id[entry["employee"]].manager} for entry in stories["goals"]
    ]
    story_people = {entry["employee"] for entry in stories["goals"]}
    for person in people:
        if person.id in story_people or not person.is_active or person.manager is None:
            continue
        family = "manager" if person.is_manager else person.family
        templates = phrases["goals"].get(family, [])
        for template in rng.sample(templates, min(len(templates), rng.randint(1, 3))):
            goals.append(_goal(person, template, phrases, rng))
    return goals


def _goal(
    person: Person, template: list[Any], phrases: dict[str, Any], rng: random.Random
) -> dict[str, Any]:
    title, metric, target, unit = template
    low, high = N_RANGES.get(metric, (1, 1))
    n = rng.randint(low, high)
    progress = round(rng.uniform(0.1, 1.0), 2)
    status = "active"
    if progress >= 0.95:
        progress, status = 1.0, "done"
    elif person.quality < -0.5 and rng.random() < 0.4:
        status = "at_risk"
    return {
        "employee": person.id,
        "title": title.format(n=n, topic=rng.choice(phrases["topics"][person.team])),
        "metric": metric,
        "target": n if target == "{n}" else target,
        "unit": unit,
        "progress": progress,
        "due_in_days": rng.randint(20, 150),
        "status": status,
        "created_days_ago": min(person.hire_days_ago - 3, rng.randint(60, 170)),
        "created_by": person.manager,
    }


def build_meetings(
    people: list[Person], stories: dict[str, Any], seed: int
) -> list[dict[str, Any]]:
    """A 1:1 series for every manager and active report, in the manager's time zone.

    Each series names a weekday, a local time and an interval (1 weekly, 2 fortnightly);
    `week_offset` puts a fortnightly series' first meeting in the first or second week.
    """
    rng = random.Random(f"{seed}:meetings")
    weekly = set(stories["weekly_managers"])
    by_id = {person.id: person for person in people}
    series = []
    for manager in people:
        reports = [by_id[rid] for rid in manager.reports if by_id[rid].is_active]
        slots = rng.sample([(d, t) for d in WEEKDAYS for t in SLOTS], len(reports))
        for report, (weekday, local_time) in zip(reports, slots, strict=True):
            interval = 1 if manager.id in weekly or rng.random() < 0.5 else 2
            rrule = f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={weekday}"
            series.append(
                {
                    "id": f"demo-1on1-{manager.id[5:]}-{report.id[5:]}",
                    "manager": manager.id,
                    "employee": report.id,
                    "timezone": manager.timezone,
                    "weekday": weekday,
                    "local_time": local_time,
                    "duration_minutes": 45 if manager.manager is None else 30,
                    "interval": interval,
                    "week_offset": rng.choice((0, 1)) if interval == 2 else 0,
                    "rrule": rrule,
                }
            )
    return series
