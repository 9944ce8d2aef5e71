"""Baselines: how a person's recent signals compare with what is normal, ranked by salience.

Weekly signals compare the mean of the last four weeks with the median of the twelve weeks
before them: the person's own baseline. Snapshot signals (one value per survey or review)
compare the newest value with the person's earlier snapshots when there are any, otherwise
with the median of their team (same manager) or, failing that, of people with the same
title; the baseline's label says which.

Salience is the change in the unfavourable direction divided by a robust spread (the median
absolute deviation, with a floor), so "3 late days against a usual 0" outranks "36 hours
against a usual 38". A change within one spread reads as "in line"; the spread is shown
with the baseline so a reader can see why.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlmodel import Session, col

from skills.evidence import SIGNAL_COLUMNS, ComputedFact, Evidence, SignalPoint, signal_points
from skills.numbers import number
from storage.tables import Employee, Signal

RECENT = timedelta(weeks=4)
BASELINE = timedelta(weeks=12)
MIN_RECENT_POINTS = 2
MIN_BASELINE_POINTS = 6
MIN_PEERS = 3

Direction = Literal["higher_better", "lower_better", "neutral"]
BaselineKind = Literal["own", "team", "role"]


@dataclass(frozen=True)
class SignalSpec:
    """What the comparison needs to know about a signal kind."""

    kind: str
    label: str
    unit: str
    direction: Direction
    weekly: bool


@dataclass(frozen=True)
class Reading:
    """One signal's recent value against its baseline."""

    spec: SignalSpec
    recent: ComputedFact
    baseline: ComputedFact
    baseline_kind: BaselineKind
    salience: float
    spread: float

    @property
    def is_worse(self) -> bool:
        """True when the change goes the unfavourable way by a meaningful amount."""
        return self.salience >= 1.0

    @property
    def is_better(self) -> bool:
        """True when the change goes the favourable way by a meaningful amount."""
        return self.salience <= -1.0


def read_signals(
    session: Session, evidence: Evidence, specs: dict[str, SignalSpec], *, now: datetime
) -> list[Reading]:
    """Every signal kind in the evidence that can be compared, most salient first."""
    readings = []
    for kind, rows in evidence.signals.items():
        spec = specs.get(kind)
        if spec is None:
            continue
        reading = (
            _weekly(evidence, spec, rows, now)
            if spec.weekly
            else _snapshot(session, evidence, spec, rows, now)
        )
        if reading is not None:
            readings.append(reading)
    return sorted(readings, key=lambda reading: -abs(reading.salience))


def _weekly(
    evidence: Evidence, spec: SignalSpec, rows: Sequence[SignalPoint], now: datetime
) -> Reading | None:
    recent_rows = [row for row in rows if now - RECENT < row.ts <= now]
    base_rows = [row for row in rows if now - RECENT - BASELINE < row.ts <= now - RECENT]
    if len(recent_rows) < MIN_RECENT_POINTS or len(base_rows) < MIN_BASELINE_POINTS:
        return None
    first_recent = recent_rows[0].ts.date().isoformat()
    recent = evidence.add(
        ComputedFact(
            ref=f"fact:{spec.kind}:recent",
            label=f"{spec.label}, last {len(recent_rows)} weeks",
            value=statistics.fmean(row.value for row in recent_rows),
            unit=spec.unit,
            method=f"mean of {len(recent_rows)} weekly values since {first_recent}",
            inputs=tuple(f"signal:{row.id}" for row in recent_rows),
        )
    )
    values = [row.value for row in base_rows]
    baseline = evidence.add(
        ComputedFact(
            ref=f"fact:{spec.kind}:baseline",
            label=f"{spec.label}, own baseline",
            value=statistics.median(values),
            unit=spec.unit,
            method=(
                f"median of {len(values)} weekly values in the 12 weeks before {first_recent}; "
                f"usual spread {number(_spread(spec, values))} (scaled median absolute deviation)"
            ),
            inputs=tuple(f"signal:{row.id}" for row in base_rows),
        )
    )
    return Reading(
        spec, recent, baseline, "own", _salience(spec, recent.value, values), _spread(spec, values)
    )


def _snapshot(
    session: Session,
    evidence: Evidence,
    spec: SignalSpec,
    rows: Sequence[SignalPoint],
    now: datetime,
) -> Reading | None:
    latest = rows[-1]
    recent = evidence.add(
        ComputedFact(
            ref=f"fact:{spec.kind}:recent",
            label=f"{spec.label} on {latest.ts.date().isoformat()}",
            value=latest.value,
            unit=spec.unit,
            method="the newest recorded value",
            inputs=(f"signal:{latest.id}",),
        )
    )
    earlier = list(rows[:-1])
    if earlier:
        values = [row.value for row in earlier]
        baseline_kind: BaselineKind = "own"
        method = f"median of {len(values)} earlier values"
        inputs = tuple(f"signal:{row.id}" for row in earlier)
    else:
        found = _peer_values(session, evidence.subject, spec.kind, now)
        if found is None:
            return None
        baseline_kind, peer_rows = found
        values = [row.value for row in peer_rows]
        group = "teammates (same manager)" if baseline_kind == "team" else "people with this title"
        method = f"median of the newest values of {len(values)} {group}"
        inputs = tuple(f"signal:{row.id}" for row in peer_rows)
    baseline = evidence.add(
        ComputedFact(
            ref=f"fact:{spec.kind}:baseline",
            label=f"{spec.label}, {baseline_kind} median",
            value=statistics.median(values),
            unit=spec.unit,
            method=f"{method}; usual spread {number(_spread(spec, values))}",
            inputs=inputs,
        )
    )
    salience = _salience(spec, recent.value, values)
    return Reading(spec, recent, baseline, baseline_kind, salience, _spread(spec, values))


def _peer_values(
    session: Session, subject: Employee, kind: str, now: datetime
) -> tuple[BaselineKind, list[SignalPoint]] | None:
    groups: list[tuple[BaselineKind, object]] = []
    if subject.manager_id is not None:
        groups.append(("team", col(Employee.manager_id) == subject.manager_id))
    if subject.title:
        groups.append(("role", col(Employee.title) == subject.title))
    for label, condition in groups:
        peers = select(col(Employee.id)).where(
            condition,  # type: ignore[arg-type]
            col(Employee.id) != subject.id,
            col(Employee.is_active).is_(True),
        )
        newest = (
            select(col(Signal.employee_id), func.max(col(Signal.ts)).label("ts"))
            .where(col(Signal.kind) == kind, col(Signal.employee_id).in_(peers))
            .where(col(Signal.ts) <= now)
            .group_by(col(Signal.employee_id))
            .subquery()
        )
        rows = signal_points(
            session.execute(
                select(*SIGNAL_COLUMNS).join(
                    newest,
                    (col(Signal.employee_id) == newest.c.employee_id)
                    & (col(Signal.ts) == newest.c.ts)
                    & (col(Signal.kind) == kind),
                )
            )
        )
        if len(rows) >= MIN_PEERS:
            return label, rows
    return None


def _spread(spec: SignalSpec, values: Sequence[float]) -> float:
    """How far values usually stray: the scaled median absolute deviation, with a floor."""
    centre = statistics.median(values)
    spread = statistics.median(abs(value - centre) for value in values) * 1.4826
    floor = max(abs(centre) * 0.1, 0.5 if spec.unit in ("days", "count") else 0.25)
    return max(spread, floor)


def _salience(spec: SignalSpec, recent: float, values: Sequence[float]) -> float:
    change = (recent - statistics.median(values)) / _spread(spec, values)
    if spec.direction == "higher_better":
        return -change
    if spec.direction == "lower_better":
        return change
    return abs(change)
