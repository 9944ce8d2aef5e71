"""A mapping compiled against a file's columns: turns each row's cells into records.

Every field of a row is evaluated, so one row can report several bad columns at once. A row
with any problem yields no record; its problems go to the issue list with the row's line.
Dates that date signals become UTC midnight of that day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from storage.hris.errors import Issue
from storage.hris.mapping import EmployeeRefSpec, FieldSpec, ManagerSpec, Mapping, SignalSpec
from storage.hris.names import display_name
from storage.hris.readers import Cells
from storage.hris.steps import StepError, Transform, shown

SignalValue = tuple[str, datetime, float, str]  # kind, time, value, unit
NEEDED_PERSON_FIELDS = ("external_id", "name")
_FAILED: Any = object()


def _read(plan: FieldPlan, line: int, cells: Cells, found: list[Issue]) -> Any:
    """The field's value, or `_FAILED` after recording why it cannot be read."""
    try:
        return plan.value(cells)
    except StepError as exc:
        found.append(Issue(line, plan.column, str(exc)))
        return _FAILED


@dataclass(slots=True)
class PersonRow:
    """One person read from one row."""

    line: int
    fields: dict[str, Any]
    manager: str | None = None
    sensitive: dict[str, Any] = field(default_factory=dict)
    signals: list[SignalValue] = field(default_factory=list)

    @property
    def external_id(self) -> str:
        """The person's upsert key."""
        return str(self.fields["external_id"])


@dataclass(slots=True)
class SignalRow:
    """Signals about one person read from one row."""

    line: int
    employee: str
    new_name: str | None
    signals: list[SignalValue]


class FieldPlan:
    """One field's column position, empty markers and compiled steps."""

    __slots__ = ("column", "constant", "empty", "index", "required", "transforms")

    def __init__(
        self, spec: FieldSpec, positions: dict[str, int], *, required: bool = False
    ) -> None:
        self.column = spec.column
        self.index = positions[spec.column] if spec.column is not None else None
        self.constant = spec.constant
        self.empty = frozenset(spec.empty)
        self.required = spec.required or required
        self.transforms: tuple[Transform, ...] = tuple(step.compile() for step in spec.steps)

    def value(self, cells: Cells) -> Any:
        """The field's value in this row, None when empty; StepError when it cannot be read."""
        index = self.index
        if index is None:
            return self.constant
        value: Any = cells[index]
        stripped = value.strip() if value is not None else ""
        if not stripped or stripped in self.empty:
            if self.required:
                raise StepError("is empty, but a value is required")
            return None
        for transform in self.transforms:
            value = transform(value)
        return value


class _Incomplete(Exception):
    """A row the fast path cannot take; the careful path finds and reports why."""


class _Moments:
    """Dates to UTC-midnight datetimes, memoised: signal files repeat the same days."""

    def __init__(self) -> None:
        self._cache: dict[date, datetime] = {}

    def __call__(self, value: date | datetime) -> datetime:
        found = self._cache.get(value)  # a datetime misses, and passes through below
        if found is None:
            if isinstance(value, datetime):
                return value
            found = datetime(value.year, value.month, value.day, tzinfo=UTC)
            self._cache[value] = found
        return found


class _SignalPlan:
    __slots__ = ("at", "kind", "kind_name", "time_index", "unit", "value")

    def __init__(self, spec: SignalSpec, shared_at: FieldPlan | None, positions: dict[str, int]):
        self.value = FieldPlan(spec, positions)
        self.kind = FieldPlan(spec.kind, positions)
        self.unit = FieldPlan(spec.unit, positions)
        self.at = FieldPlan(spec.at, positions) if spec.at is not None else shared_at
        self.kind_name = str(spec.kind.constant or spec.kind.column)
        self.time_index = 0


class RowPlan:
    """The mapping bound to the file's columns."""

    def __init__(
        self, mapping: Mapping, columns: list[str], known_kinds: frozenset[str] | None = None
    ) -> None:
        positions = {name: index for index, name in enumerate(columns)}
        self.known_kinds = known_kinds
        self._moment = _Moments()
        self.fields: dict[str, FieldPlan] = {}
        if mapping.people is not None:
            self.fields = {
                name: FieldPlan(spec, positions, required=name in NEEDED_PERSON_FIELDS)
                for name, spec in mapping.people.fields.items()
            }
        self.sensitive = {k: FieldPlan(s, positions) for k, s in mapping.sensitive.items()}
        self.manager = (
            _ManagerPlan(mapping.people.manager, positions)
            if mapping.people is not None and mapping.people.manager is not None
            else None
        )
        self.employee = (
            _EmployeePlan(mapping.employee, positions) if mapping.employee is not None else None
        )
        self.signals: list[_SignalPlan] = []
        if mapping.signals is not None:
            shared = mapping.signals.at
            shared_at = FieldPlan(shared, positions) if shared is not None else None
            self.signals = [_SignalPlan(s, shared_at, positions) for s in mapping.signals.values]
        self._times: list[FieldPlan] = []  # each distinct time field, read once a row
        for plan in self.signals:
            assert plan.at is not None  # the mapping dates every signal
            if plan.at not in self._times:
                self._times.append(plan.at)
            plan.time_index = self._times.index(plan.at)

    def person(self, line: int, cells: Cells, issues: list[Issue]) -> PersonRow | None:
        """The person in this row, or None after recording the row's problems."""
        found: list[Issue] = []
        row = PersonRow(line, self._values(self.fields, line, cells, found))
        row.sensitive = self._values(self.sensitive, line, cells, found)
        row.signals = self._signals(line, cells, found)
        if self.manager is not None:
            try:
                row.manager = self.manager.reference(cells)
            except StepError as exc:
                found.append(Issue(line, self.manager.column, str(exc)))
        issues.extend(found)
        return None if found else row

    def signal_row(self, line: int, cells: Cells, issues: list[Issue]) -> SignalRow | None:
        """The signals in this row, or None after recording the row's problems."""
        assert self.employee is not None  # only signal mappings call this
        try:
            employee, new_name = self.employee.reference(cells)
            return SignalRow(line, employee, new_name, self._signals_fast(cells))
        except (StepError, _Incomplete):
            pass  # read the row again, carefully, to report every problem in it
        found: list[Issue] = []
        reference: tuple[str, str | None] | None = None
        try:
            reference = self.employee.reference(cells)
        except StepError as exc:
            found.append(Issue(line, self.employee.column, str(exc)))
        signals = self._signals(line, cells, found)
        if found or reference is None:
            issues.extend(found)
            return None
        return SignalRow(line, reference[0], reference[1], signals)

    @staticmethod
    def _values(
        plans: dict[str, FieldPlan], line: int, cells: Cells, found: list[Issue]
    ) -> dict[str, Any]:
        return {name: _read(plan, line, cells, found) for name, plan in plans.items()}

    def _signals_fast(self, cells: Cells) -> list[SignalValue]:
        times = [plan.value(cells) for plan in self._times]
        known, moment = self.known_kinds, self._moment
        signals: list[SignalValue] = []
        for plan in self.signals:
            value = plan.value.value(cells)
            if value is None:
                continue
            kind, unit, at = plan.kind.value(cells), plan.unit.value(cells), times[plan.time_index]
            if (
                kind is None
                or unit is None
                or at is None
                or (known is not None and kind not in known)
            ):
                raise _Incomplete
            signals.append((kind, moment(at), float(value), unit))
        return signals

    def _signals(self, line: int, cells: Cells, found: list[Issue]) -> list[SignalValue]:
        signals: list[SignalValue] = []
        times: dict[int, Any] = {}  # a shared time column is read (and reported) once a row
        for plan in self.signals:
            value = _read(plan.value, line, cells, found)
            if value is None or value is _FAILED:
                continue
            kind = _read(plan.kind, line, cells, found)
            unit = _read(plan.unit, line, cells, found)
            at = None
            if plan.at is not None:
                if id(plan.at) not in times:
                    times[id(plan.at)] = _read(plan.at, line, cells, found)
                at = times[id(plan.at)]
            if kind is _FAILED or unit is _FAILED or at is _FAILED:
                continue
            problem = self._signal_problem(plan, kind, unit, at)
            if problem is not None:
                found.append(Issue(line, problem[0], problem[1]))
                continue
            assert at is not None  # _signal_problem refuses a signal without a time
            signals.append((kind, self._moment(at), float(value), unit))
        return signals

    def _signal_problem(
        self, plan: _SignalPlan, kind: str | None, unit: str | None, at: Any
    ) -> tuple[str | None, str] | None:
        if kind is None:
            return plan.kind.column, "is empty, but the signal needs a kind"
        if self.known_kinds is not None and kind not in self.known_kinds:
            return plan.kind.column, f"{shown(kind)} is not a signal kind in the data policy"
        if unit is None:
            return plan.unit.column, f"is empty, but the {kind} signal needs a unit"
        if at is None:
            column = plan.at.column if plan.at is not None else None
            return column, f"is empty, but the {kind} signal needs a date"
        return None


class _ManagerPlan:
    def __init__(self, spec: ManagerSpec, positions: dict[str, int]) -> None:
        self.column = spec.column
        self.index = positions[spec.column]
        self.by = spec.by
        self.name_format = spec.name_format
        self.none = frozenset(value.strip().casefold() for value in spec.none)
        self.transforms = tuple(step.compile() for step in spec.steps)

    def reference(self, cells: Cells) -> str | None:
        """The manager as written (display name or external id), or None for no manager."""
        raw = cells[self.index]
        if raw is None or not raw.strip() or raw.strip().casefold() in self.none:
            return None
        value: Any = raw
        for transform in self.transforms:
            value = transform(value)
        if self.by == "name":
            try:
                return display_name(str(value), self.name_format)
            except ValueError as exc:
                raise StepError(str(exc)) from None
        return str(value)


class _EmployeePlan:
    def __init__(self, spec: EmployeeRefSpec, positions: dict[str, int]) -> None:
        self.column = spec.column
        self.index = positions[spec.column]
        self.transforms = tuple(step.compile() for step in spec.steps)
        self.name = spec.name if spec.missing == "create" else None

    def reference(self, cells: Cells) -> tuple[str, str | None]:
        """The employee's external id, and the name to create them under if they are new."""
        raw = cells[self.index]
        if raw is None or not raw.strip():
            raise StepError("is empty, but every signal row names its employee")
        value: Any = raw
        for transform in self.transforms:
            value = transform(value)
        new_name = self.name.replace("{}", raw.strip()) if self.name is not None else None
        return str(value), new_name
