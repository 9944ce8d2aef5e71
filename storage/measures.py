"""Measurement events: the small, fixed set of product measures skills emit, and their fields.

Each event is one `MeasurementEvent` row: a name, a time, the actor (who acted, usually the
manager or employee), the subject (whom it is about) and a few typed fields. Fields hold ids,
counts, durations and choices only, never personal text. `emit` refuses unknown names,
missing or unknown fields and values of the wrong type, so the reports can trust the shape.

Events, their fields (`?` marks an optional one) and the report each feeds:

review_drafted
    review_id, cycle_id?, composer? -- a draft review was produced. Starts the clock of
    **review completion time** (drafted -> last sign-off, per review).
review_version_edited
    review_id, version, edit_seconds, chars_changed -- a manager saved an edited version.
    **Edit effort**: manager edit time (sum of edit_seconds) and edit size (chars_changed)
    per review.
review_signed_off
    review_id, stage (manager | hr), final? -- a sign-off was given. `final` marks the one
    that releases the review; without it the report takes a review's last sign-off. Stops
    the clock of **review completion time**.
module_assigned
    assignment_id, module, source? (manager | alert | self | schedule) -- a microlearning
    module was assigned. Denominator of **module completion**.
module_completed
    assignment_id, module, quiz_score (0-1) -- the employee finished it. Numerator of
    **module completion**, and quiz results per module.
nudge_sent
    kind (one_on_one_prep, practice, self_evaluation, ...), outbox_id?, meeting_id? -- a
    nudge was delivered. **Coaching reach**: nudges per manager and what followed them.
nudge_snoozed
    kind, snooze_hours? -- the recipient snoozed a nudge. **Coaching reach**: snooze rate.
alert_raised
    signal_kind, value?, baseline? -- a dip alert about the subject was raised. Starts the
    clock of **time-to-recovery**.
alert_recovered
    signal_kind -- the subject's signal is back within its baseline. Stops the clock of
    **time-to-recovery** (per subject and signal kind, from the alert raised before it).
one_on_one_prepped
    meeting_id? -- a manager prepared a 1:1. **Coaching minutes**: preparations per 1:1.
one_on_one_logged
    follow_ups, meeting_id?, minutes? -- a 1:1 was held and logged, with how many follow-ups.
    **Coaching minutes** (minutes, else the meeting's planned duration) and follow-ups.
dispute_opened
    dispute_id, audit_event_id? -- an employee disputed an output. **Trust**: disputes per
    output kind.
dispute_resolved
    dispute_id, outcome (upheld | rejected) -- HR resolved it. **Trust**: outcomes and
    resolution time.
data_accessed
    purpose (prep | review | goals | learning | dip_alert | my_data | fairness_audit),
    audit_event_id? -- someone's data was read for a purpose. **Transparency**: accesses
    per purpose (the audit chain remains the record of who read what).

Errors:
    ValueError: an unknown event name, or a field missing, unknown or of the wrong type;
        the message names them.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from storage.data_policy import PURPOSES
from storage.tables.audit import MeasurementEvent
from storage.types import utcnow

logger = logging.getLogger(__name__)


class Measure(StrEnum):
    """The names of the measurement events."""

    REVIEW_DRAFTED = "review_drafted"
    REVIEW_VERSION_EDITED = "review_version_edited"
    REVIEW_SIGNED_OFF = "review_signed_off"
    MODULE_ASSIGNED = "module_assigned"
    MODULE_COMPLETED = "module_completed"
    NUDGE_SENT = "nudge_sent"
    NUDGE_SNOOZED = "nudge_snoozed"
    ALERT_RAISED = "alert_raised"
    ALERT_RECOVERED = "alert_recovered"
    ONE_ON_ONE_PREPPED = "one_on_one_prepped"
    ONE_ON_ONE_LOGGED = "one_on_one_logged"
    DISPUTE_OPENED = "dispute_opened"
    DISPUTE_RESOLVED = "dispute_resolved"
    DATA_ACCESSED = "data_accessed"


@dataclass(frozen=True)
class FieldSpec:
    """One field of an event: its type, whether it is required, and any limits on it."""

    kind: type[int] | type[float] | type[str] | type[bool]
    required: bool = True
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None


def _opt(kind: type[int] | type[float] | type[str] | type[bool], **limits: Any) -> FieldSpec:
    return FieldSpec(kind, required=False, **limits)


MAX_TEXT = 64
"""Text fields are names and choices (a module id, a nudge kind), never free text."""

_ID = FieldSpec(int, low=1)
_COUNT = FieldSpec(int, low=0)
_SECONDS = FieldSpec(float, low=0)
_TEXT = FieldSpec(str)

EVENT_FIELDS: Mapping[Measure, Mapping[str, FieldSpec]] = {
    Measure.REVIEW_DRAFTED: {
        "review_id": _ID,
        "cycle_id": _opt(int, low=1),
        "composer": _opt(str),
    },
    Measure.REVIEW_VERSION_EDITED: {
        "review_id": _ID,
        "version": _ID,
        "edit_seconds": _SECONDS,
        "chars_changed": _COUNT,
    },
    Measure.REVIEW_SIGNED_OFF: {
        "review_id": _ID,
        "stage": FieldSpec(str, choices=("manager", "hr")),
        "final": _opt(bool),
    },
    Measure.MODULE_ASSIGNED: {
        "assignment_id": _ID,
        "module": _TEXT,
        "source": _opt(str, choices=("manager", "alert", "self", "schedule")),
    },
    Measure.MODULE_COMPLETED: {
        "assignment_id": _ID,
        "module": _TEXT,
        "quiz_score": FieldSpec(float, low=0, high=1),
    },
    Measure.NUDGE_SENT: {
        "kind": _TEXT,
        "outbox_id": _opt(int, low=1),
        "meeting_id": _opt(int, low=1),
    },
    Measure.NUDGE_SNOOZED: {"kind": _TEXT, "snooze_hours": _opt(float, low=0)},
    Measure.ALERT_RAISED: {"signal_kind": _TEXT, "value": _opt(float), "baseline": _opt(float)},
    Measure.ALERT_RECOVERED: {"signal_kind": _TEXT},
    Measure.ONE_ON_ONE_PREPPED: {"meeting_id": _opt(int, low=1)},
    Measure.ONE_ON_ONE_LOGGED: {
        "follow_ups": _COUNT,
        "meeting_id": _opt(int, low=1),
        "minutes": _opt(int, low=0),
    },
    Measure.DISPUTE_OPENED: {"dispute_id": _ID, "audit_event_id": _opt(int, low=1)},
    Measure.DISPUTE_RESOLVED: {
        "dispute_id": _ID,
        "outcome": FieldSpec(str, choices=("upheld", "rejected")),
    },
    Measure.DATA_ACCESSED: {
        "purpose": FieldSpec(str, choices=tuple(PURPOSES)),
        "audit_event_id": _opt(int, low=1),
    },
}

REQUIRED_FIELDS: Mapping[Measure, frozenset[str]] = {
    name: frozenset(field for field, spec in specs.items() if spec.required)
    for name, specs in EVENT_FIELDS.items()
}
"""For each event, the fields `emit` insists on."""


def emit(
    session: Session,
    name: Measure | str,
    *,
    actor_id: int | None = None,
    subject_id: int | None = None,
    at: datetime | None = None,
    **fields: Any,
) -> MeasurementEvent:
    """Record one measurement event in the caller's transaction, after checking its shape.

    Raises:
        ValueError: the name is unknown, or a field is missing, unknown or out of shape.
    """
    measure = _measure(name)
    checked = validate_fields(measure, fields)
    if at is not None and at.tzinfo is None:
        raise ValueError(f"{measure}: the time must be timezone-aware")

    row = MeasurementEvent(
        name=measure.value,
        at=(at or utcnow()).astimezone(UTC),
        actor_id=actor_id,
        subject_id=subject_id,
        fields=checked,
    )
    session.add(row)
    session.flush()
    logger.debug("Measure recorded (name=%s, id=%s)", measure.value, row.id)
    return row


def _measure(name: Measure | str) -> Measure:
    try:
        return Measure(name)
    except ValueError:
        known = ", ".join(sorted(m.value for m in Measure))
        raise ValueError(f"unknown measurement event {name!r}; known: {known}") from None


def validate_fields(measure: Measure, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of `measure`, checked against its specification (floats coerced).

    Raises:
        ValueError: naming every missing and unknown field, or the first value out of shape.
    """
    specs = EVENT_FIELDS[measure]
    given = {key: value for key, value in fields.items() if value is not None}
    missing = sorted(REQUIRED_FIELDS[measure] - given.keys())
    unknown = sorted(given.keys() - specs.keys())
    if missing or unknown:
        parts = [f"missing {', '.join(missing)}"] if missing else []
        parts += [f"unknown {', '.join(unknown)}"] if unknown else []
        allowed = ", ".join(specs) or "none"
        raise ValueError(f"{measure}: {'; '.join(parts)} (fields: {allowed})")
    return {key: _checked(measure, key, specs[key], value) for key, value in given.items()}


def _checked(measure: Measure, key: str, spec: FieldSpec, value: Any) -> Any:
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if spec.kind is float and is_number:
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"{measure}: {key} must be a finite number")
    elif spec.kind is int and not (isinstance(value, int) and not isinstance(value, bool)):
        raise ValueError(f"{measure}: {key} must be an integer, not {type(value).__name__}")
    elif not isinstance(value, spec.kind):
        raise ValueError(f"{measure}: {key} must be {spec.kind.__name__}, not {value!r}")

    if isinstance(value, str) and not 0 < len(value) <= MAX_TEXT:
        raise ValueError(f"{measure}: {key} must be 1 to {MAX_TEXT} characters")
    if spec.choices and value not in spec.choices:
        raise ValueError(f"{measure}: {key} must be one of {', '.join(spec.choices)}")
    if spec.low is not None and value < spec.low:
        raise ValueError(f"{measure}: {key} must be at least {spec.low:g}")
    if spec.high is not None and value > spec.high:
        raise ValueError(f"{measure}: {key} must be at most {spec.high:g}")
    return value
