"""The numbers behind the demo's stories, laid over the generated weekly noise.

- Dana Whitfield (demo-002): a steady record, then over the last five weeks late days rise
  from 0-1 to 3-4, missed deadlines climb, hours drift down and her pulse falls from about
  4 to 2.5.
- Sam Okafor (demo-003): a high, steady baseline: never late, rarely misses, well above
  the team's output, pulse around 4.5.
- Leo Fischer (demo-017): first-response times creep from about 3 hours to about 8 over
  the last eight weeks, with slightly fewer tickets resolved.
"""

from __future__ import annotations

import dataclasses
import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from series import Baseline

DANA, SAM, LEO = "demo-002", "demo-003", "demo-017"
DIP_WEEKS = 5
DANA_DIP = {
    "late_days": (2, 3, 3, 4, 4),
    "deadlines_met": (3, 2, 2, 1, 1),
    "deadlines_missed": (1, 1, 2, 2, 3),
    "timesheet_hours": (38.4, 37.1, 36.0, 35.2, 34.1),
    "pulse_score": (3.6, 3.2, 3.0, 2.7, 2.5),
    "pull_requests": (4, 3, 3, 2, 2),
    "code_reviews": (5, 4, 3, 3, 2),
}
LEO_DRIFT_WEEKS = 8

_BASELINES = {
    DANA: {
        "hours": 40.0,
        "hours_sd": 0.9,
        "late_rate": 0.35,
        "pulse": 4.0,
        "pulse_answer_rate": 1.0,
        "deadlines": 3.6,
        "miss_rate": 0.04,
        "pull_requests": 5.0,
        "code_reviews": 6.0,
    },
    SAM: {
        "hours": 41.5,
        "hours_sd": 0.7,
        "late_rate": 0.0,
        "pulse": 4.5,
        "pulse_answer_rate": 1.0,
        "deadlines": 5.2,
        "miss_rate": 0.01,
        "pull_requests": 9.5,
        "code_reviews": 13.5,
    },
    LEO: {"response_hours": 3.0, "tickets": 50.0, "late_rate": 0.2, "pulse_answer_rate": 0.95},
}


def baseline_override(person_id: str, drawn: Baseline) -> Baseline:
    """The story person's fixed baseline, or the drawn one for everyone else."""
    fixed = _BASELINES.get(person_id)
    return dataclasses.replace(drawn, **fixed) if fixed else drawn


def holiday_free_weeks(person_id: str) -> range:
    """Weeks (counted back) where a story needs no holiday to blur it."""
    if person_id == DANA:
        return range(DIP_WEEKS + 4)
    if person_id == LEO:
        return range(LEO_DRIFT_WEEKS + 1)
    if person_id == SAM:
        return range(4)
    return range(0)


def apply_story(
    person_id: str, weeks_back: int, week: dict[str, float], rng: random.Random
) -> dict[str, float]:
    """The week's values with the person's story applied, if they have one."""
    if person_id == DANA:
        return _dana(weeks_back, week, rng)
    if person_id == LEO and weeks_back < LEO_DRIFT_WEEKS:
        step = LEO_DRIFT_WEEKS - weeks_back
        drifted = 3.0 + 0.62 * step + rng.uniform(-0.2, 0.2)
        week["ticket_response_hours"] = round(drifted, 1)
        week["tickets_resolved"] = max(0, round(week["tickets_resolved"] - 1.5 * step))
    return week


def _dana(weeks_back: int, week: dict[str, float], rng: random.Random) -> dict[str, float]:
    if weeks_back >= DIP_WEEKS:
        week["late_days"] = min(week["late_days"], 1)
        week["deadlines_missed"] = min(week["deadlines_missed"], 1)
        return week
    step = DIP_WEEKS - 1 - weeks_back
    for kind, values in DANA_DIP.items():
        week[kind] = values[step]
    week["timesheet_hours"] = round(week["timesheet_hours"] + rng.uniform(-0.4, 0.4), 1)
    return week
