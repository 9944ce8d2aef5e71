"""The mapping file: how the columns of one HRIS export become people, signals and attributes.

A mapping is YAML, validated here; unknown keys are refused and every error names its key.
It says what one row of the file is (`entity`: a person, or signals about a person), which
column feeds which field through which steps, which columns are deliberately ignored (every
column of the file must be one or the other, so a changed export is caught), and how
managers are referenced. See `content/mappings/` for worked examples.

The upsert keys are fixed by the tables: a person is found by `external_id`; a signal by
employee, kind, time and source; sensitive attributes by employee.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic import model_validator as model_check

from storage.hris.errors import MappingError
from storage.hris.names import NameOrder
from storage.hris.steps import EnumValue, Step, ValueType, chain_type

_NESTED_KEY = re.compile(r"^[\w.]+: ")
TEXT: frozenset[ValueType] = frozenset({"text"})
PERSON_FIELDS: dict[str, frozenset[ValueType]] = {
    "external_id": TEXT,
    "name": TEXT,
    "email": TEXT,
    "title": TEXT,
    "role": TEXT,
    "team": TEXT,
    "department": TEXT,
    "location": TEXT,
    "timezone": TEXT,
    "hire_date": frozenset({"date"}),
    "termination_date": frozenset({"date"}),
    "is_active": frozenset({"bool"}),
    "is_hr_admin": frozenset({"bool"}),
}
SENSITIVE_FIELDS: dict[str, frozenset[ValueType]] = {
    "sex": TEXT,
    "ethnicity": TEXT,
    "birth_year": frozenset({"int"}),
    "termination_reason": TEXT,
}
SIGNAL_VALUE: frozenset[ValueType] = frozenset({"int", "number"})
SIGNAL_TIME: frozenset[ValueType] = frozenset({"date", "datetime"})


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FieldSpec(_Spec):
    """Where one value comes from: a column passed through steps, or a constant.

    A cell that is blank after trimming, or whose trimmed text is listed in `empty`, has no
    value; `required` makes that an error for the row.
    """

    column: str | None = None
    constant: EnumValue | None = None
    steps: list[Step] = Field(default_factory=list)
    empty: list[str] = Field(default_factory=list)
    required: bool = False

    @model_check(mode="after")
    def _one_source(self) -> FieldSpec:
        if (self.column is None) == (self.constant is None):
            raise ValueError("give either 'column' or 'constant'")
        if self.constant is not None and self.steps:
            raise ValueError("a constant takes no steps")
        try:
            chain_type(self.steps)
        except ValueError as exc:
            raise ValueError(f"steps: {exc}") from None
        return self

    def value_type(self) -> ValueType:
        """The type of value this field produces."""
        if isinstance(self.constant, bool):
            return "bool"
        if isinstance(self.constant, int):
            return "int"
        if isinstance(self.constant, float):
            return "number"
        return "text" if self.constant is not None else chain_type(self.steps)


def _constant_field(value: Any) -> Any:
    return {"constant": value} if isinstance(value, str) else value


TextOrField = Annotated[FieldSpec, BeforeValidator(_constant_field)]


class FileSpec(_Spec):
    """How to read the file."""

    format: Literal["csv", "json", "jsonl"] | None = None
    header: bool = True
    columns: list[str] | None = None
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    encoding: str = "utf-8"

    @model_check(mode="after")
    def _columns_for_headerless(self) -> FileSpec:
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            raise ValueError(f"encoding: unknown encoding {self.encoding!r}") from None
        if not self.header and not self.columns:
            raise ValueError("columns: a CSV file without a header needs its column names")
        if self.header and self.columns:
            raise ValueError("columns: only for files without a header (set header: false)")
        if self.columns and len(set(self.columns)) != len(self.columns):
            raise ValueError("columns: each column name may appear once")
        return self


class ManagerSpec(_Spec):
    """How a row names its manager, which values mean "no manager", and the unmatched."""

    column: str
    by: Literal["name", "external_id"]
    name_format: NameOrder = "first_last"
    steps: list[Step] = Field(default_factory=list)
    none: list[str] = Field(default_factory=list)
    missing: Literal["create", "error"] = "error"
    created_external_id: str = "{}"

    @model_check(mode="after")
    def _consistent(self) -> ManagerSpec:
        if self.missing == "create" and self.by != "name":
            raise ValueError("missing: 'create' needs managers referenced by name")
        if self.created_external_id.count("{}") != 1:
            raise ValueError("created_external_id: holds exactly one '{}' for the name")
        _check_type("steps", FieldSpec(column=self.column, steps=self.steps), TEXT)
        return self


class PeopleSpec(_Spec):
    """Each row is one person."""

    key: Literal["external_id"] = "external_id"
    fields: dict[str, FieldSpec]
    manager: ManagerSpec | None = None

    @model_check(mode="after")
    def _fields_known(self) -> PeopleSpec:
        for name, spec in self.fields.items():
            if name not in PERSON_FIELDS:
                known = ", ".join(PERSON_FIELDS)
                raise ValueError(f"fields.{name}: not a person field (known: {known})")
            _check_type(f"fields.{name}", spec, PERSON_FIELDS[name])
        for needed in ("external_id", "name"):
            if needed not in self.fields:
                raise ValueError(f"fields.{needed}: every person needs one")
        return self


class EmployeeRefSpec(_Spec):
    """Which person a signal row is about, by external id."""

    column: str
    steps: list[Step] = Field(default_factory=list)
    missing: Literal["create", "error"] = "error"
    name: str | None = None

    @model_check(mode="after")
    def _consistent(self) -> EmployeeRefSpec:
        if self.missing == "create" and (self.name is None or self.name.count("{}") != 1):
            raise ValueError("name: creating people needs a name template with one '{}'")
        _check_type("steps", FieldSpec(column=self.column, steps=self.steps), TEXT)
        return self


class SignalSpec(FieldSpec):
    """One signal a row gives: its kind, unit, value (this field) and time."""

    kind: TextOrField
    unit: TextOrField
    at: FieldSpec | None = None

    @model_check(mode="after")
    def _types(self) -> SignalSpec:
        _check_type("value", self, SIGNAL_VALUE)
        _check_type("kind", self.kind, TEXT)
        _check_type("unit", self.unit, TEXT)
        if self.at is not None:
            _check_type("at", self.at, SIGNAL_TIME)
        return self


class SignalsSpec(_Spec):
    """The signals each row gives, dated by `at` unless a signal has its own."""

    at: FieldSpec | None = None
    values: list[SignalSpec] = Field(min_length=1)

    @model_check(mode="after")
    def _dated(self) -> SignalsSpec:
        if self.at is not None:
            _check_type("at", self.at, SIGNAL_TIME)
        for index, spec in enumerate(self.values):
            if spec.at is None and self.at is None:
                raise ValueError(f"values.{index}.at: no time for this signal (nor a shared 'at')")
        return self


class Mapping(_Spec):
    """A whole mapping file."""

    version: Literal[1] = 1
    description: str = ""
    entity: Literal["people", "signals"]
    source: str = Field(min_length=1, max_length=64)
    file: FileSpec = Field(default_factory=FileSpec)
    people: PeopleSpec | None = None
    employee: EmployeeRefSpec | None = None
    sensitive: dict[str, FieldSpec] = Field(default_factory=dict)
    signals: SignalsSpec | None = None
    ignore: list[str] = Field(default_factory=list)

    @model_check(mode="after")
    def _sections_fit(self) -> Mapping:
        if self.entity == "people":
            if self.people is None or self.employee is not None:
                raise ValueError("entity 'people' needs a 'people' section and no 'employee'")
        elif self.employee is None or self.signals is None or self.people or self.sensitive:
            raise ValueError(
                "entity 'signals' needs 'employee' and 'signals' sections, "
                "and no 'people' or 'sensitive'"
            )
        for name, spec in self.sensitive.items():
            if name not in SENSITIVE_FIELDS:
                known = ", ".join(SENSITIVE_FIELDS)
                raise ValueError(f"sensitive.{name}: not a sensitive attribute (known: {known})")
            _check_type(f"sensitive.{name}", spec, SENSITIVE_FIELDS[name])
        self._check_columns()
        return self

    def _check_columns(self) -> None:
        used = self.mapped_columns()
        both = sorted(used & set(self.ignore))
        if both:
            raise ValueError(f"ignore: {', '.join(both)} is mapped, so it cannot be ignored")
        if self.file.columns is not None:
            declared = set(self.file.columns)
            unknown = sorted((used | set(self.ignore)) - declared)
            if unknown:
                raise ValueError(f"file.columns: does not list {', '.join(unknown)}")
            loose = [name for name in self.file.columns if name not in used | set(self.ignore)]
            if loose:
                raise ValueError(f"ignore: {', '.join(loose)} is neither mapped nor ignored")

    def mapped_columns(self) -> set[str]:
        """Every column some field reads."""
        specs: list[FieldSpec] = list(self.sensitive.values())
        if self.people is not None:
            specs += self.people.fields.values()
        if self.signals is not None:
            specs += [self.signals.at] if self.signals.at else []
            for signal in self.signals.values:
                specs += [signal, signal.kind, signal.unit, *([signal.at] if signal.at else [])]
        columns = {spec.column for spec in specs if spec.column is not None}
        if self.people is not None and self.people.manager is not None:
            columns.add(self.people.manager.column)
        if self.employee is not None:
            columns.add(self.employee.column)
        return columns

    def constant_kinds(self) -> list[str]:
        """Signal kinds written as constants in the mapping."""
        if self.signals is None:
            return []
        return [str(s.kind.constant) for s in self.signals.values if s.kind.constant is not None]


def _check_type(key: str, spec: FieldSpec, allowed: frozenset[ValueType]) -> None:
    produced = spec.value_type()
    if produced not in allowed:
        needs = " or ".join(sorted(allowed))
        raise ValueError(f"{key}: gives {produced}, but needs {needs} (add or change a step)")


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file, or raise `MappingError` naming each bad key."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"mapping file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"mapping file {path} cannot be read: {exc}") from None
    except yaml.YAMLError as exc:
        raise MappingError(f"{path.name} is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise MappingError(f"{path.name}: a mapping file holds a YAML mapping of keys")
    return parse_mapping(raw, name=path.name)


def parse_mapping(raw: dict[str, Any], *, name: str = "mapping") -> Mapping:
    """Validate an already-parsed mapping, or raise `MappingError` naming each bad key."""
    try:
        return Mapping.model_validate(raw)
    except ValidationError as exc:
        problems = [_describe(error) for error in exc.errors()]
        raise MappingError(f"{name}: " + "; ".join(problems)) from None


def _describe(error: Any) -> str:
    parts: list[str] = []
    for part in error["loc"]:
        text = str(part)
        if text != "word" and not text.startswith("function-") and parts[-1:] != [text]:
            parts.append(text)
    key = ".".join(parts)
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    if key and _NESTED_KEY.match(message):
        return f"{key}.{message}"
    return f"{key}: {message}" if key else message
