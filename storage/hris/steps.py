"""Transform steps a mapping applies to a cell: trim, case, numbers, dates, enums, names.

A step is written in the mapping either as a word (`trim`, `lower`, `integer`, ...) or as a
one-key mapping with its settings (`{date: "%m/%d/%Y"}`, `{enum: {...}}`). Each step says
which value types it accepts and which it produces, so a mapping whose steps do not fit
together is refused when it is loaded rather than on the first row. At run time a step is
compiled into a plain function that raises `StepError` with a reason fit to show the user.

Value types: text, int, number, date, datetime, bool.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
)

from storage.hris.names import NameOrder, display_name

ValueType = Literal["text", "int", "number", "date", "datetime", "bool"]
Transform = Callable[[Any], Any]

CACHE_LIMIT = 65_536  # distinct cells memoised per date step; dates repeat in signal files
EXAMPLE_MOMENT = datetime(2024, 1, 31, 13, 45, 0)
TRUE_WORDS = frozenset({"true", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "0"})


class StepError(ValueError):
    """A cell cannot be transformed; the message is the reason shown to the user."""


def shown(value: object) -> str:
    """A cell as quoted in a problem report, cut short when long."""
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


class _Step(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def accepts(self) -> frozenset[ValueType]:
        """The value types this step takes."""
        return frozenset({"text"})

    def output(self, given: ValueType) -> ValueType:
        """The value type this step produces from `given`."""
        return "text"

    def compile(self) -> Transform:
        """A function applying the step to one value."""
        raise NotImplementedError


Word = Literal[
    "trim", "collapse_spaces", "lower", "upper", "title", "integer", "number", "boolean", "year"
]


class WordStep(_Step):
    """A step without settings, written as one word."""

    word: Word

    def accepts(self) -> frozenset[ValueType]:
        """The value types this step takes."""
        if self.word == "number":
            return frozenset({"text", "int"})
        if self.word == "year":
            return frozenset({"date", "datetime"})
        return frozenset({"text"})

    def output(self, given: ValueType) -> ValueType:
        """The value type this step produces."""
        produced: dict[str, ValueType] = {
            "integer": "int",
            "number": "number",
            "boolean": "bool",
            "year": "int",
        }
        return produced.get(self.word, "text")

    def compile(self) -> Transform:
        """A function applying the step to one value."""
        simple: dict[str, Transform] = {
            "trim": str.strip,
            "collapse_spaces": lambda text: " ".join(text.split()),
            "lower": str.lower,
            "upper": str.upper,
            "title": str.title,
            "year": lambda moment: moment.year,
        }
        if self.word in simple:
            return simple[self.word]
        return {"integer": _to_int, "number": _to_number, "boolean": _to_bool}[self.word]


def _to_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise StepError(f"{shown(text)} is not a whole number") from None


def _to_number(value: str | int) -> float:
    try:
        number = float(value)
    except ValueError:
        raise StepError(f"{shown(value)} is not a number") from None
    if not math.isfinite(number):
        raise StepError(f"{shown(value)} is not a finite number")
    return number


def _to_bool(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise StepError(f"{shown(text)} is not yes/no or true/false")


def _formats(value: object) -> object:
    return [value] if isinstance(value, str) else value


def _example(fmt: str) -> str:
    return "an ISO date such as 2024-01-31" if fmt == "iso" else EXAMPLE_MOMENT.strftime(fmt)


class DateStep(_Step):
    """Parse a date with the first of `date` (strptime formats, or `iso`) that fits."""

    date: Annotated[list[str], BeforeValidator(_formats), Field(min_length=1)]

    @field_validator("date")
    @classmethod
    def _check_formats(cls, formats: list[str]) -> list[str]:
        for fmt in formats:
            if fmt != "iso" and "%" not in fmt:
                raise ValueError(f"{fmt!r} is not a date format (use strptime codes or 'iso')")
        return formats

    def output(self, given: ValueType) -> ValueType:
        """Dates."""
        return "date"

    def compile(self) -> Transform:
        """A memoised parser: files repeat the same dates many times."""
        formats = tuple(self.date)
        expected = " or ".join(_example(fmt) for fmt in formats)
        cache: dict[str, date] = {}

        def parse(text: str) -> date:
            found = cache.get(text)
            if found is not None:
                return found
            for fmt in formats:
                try:
                    if fmt == "iso":
                        parsed = date.fromisoformat(text.strip())
                    else:
                        parsed = datetime.strptime(text.strip(), fmt).date()
                except ValueError:
                    continue
                if len(cache) >= CACHE_LIMIT:
                    cache.clear()
                cache[text] = parsed
                return parsed
            raise StepError(f"{shown(text)} is not a valid date (expected e.g. {expected})")

        return parse


class DateTimeStep(_Step):
    """Parse a date and time; values without a zone are read in `timezone`."""

    datetime: Annotated[list[str], BeforeValidator(_formats), Field(min_length=1)]
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _check_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r}") from None
        return name

    def output(self, given: ValueType) -> ValueType:
        """Aware datetimes."""
        return "datetime"

    def compile(self) -> Transform:
        """A parser returning aware datetimes in UTC."""
        formats = tuple(self.datetime)
        zone = ZoneInfo(self.timezone)
        expected = " or ".join(
            "an ISO time such as 2024-01-31T13:45:00" if fmt == "iso" else _example(fmt)
            for fmt in formats
        )

        def parse(text: str) -> datetime:
            for fmt in formats:
                try:
                    if fmt == "iso":
                        parsed = datetime.fromisoformat(text.strip())
                    else:
                        parsed = datetime.strptime(text.strip(), fmt)
                except ValueError:
                    continue
                if parsed.tzinfo is None:
                    parsed = parsed.replace(tzinfo=zone)
                return parsed.astimezone(UTC)
            raise StepError(f"{shown(text)} is not a valid time (expected e.g. {expected})")

        return parse


EnumValue = bool | int | float | str


class EnumStep(_Step):
    """Replace each listed text by its value; any other text is refused."""

    enum: dict[str, EnumValue] = Field(min_length=1)
    ignore_case: bool = False

    @field_validator("enum", mode="before")
    @classmethod
    def _text_keys(cls, table: Any) -> Any:
        if isinstance(table, dict) and any(not isinstance(key, str) for key in table):
            raise ValueError("quote every enum key ('Yes', '1'), so YAML keeps it as text")
        return table

    @field_validator("enum")
    @classmethod
    def _one_type(cls, table: dict[str, EnumValue]) -> dict[str, EnumValue]:
        kinds = {_enum_type(value) for value in table.values()}
        if kinds == {"int", "number"}:
            return table
        if len(kinds) > 1:
            raise ValueError("all values of an enum must have one type (text, number or bool)")
        return table

    def output(self, given: ValueType) -> ValueType:
        """The type of the enum's values."""
        kinds = {_enum_type(value) for value in self.enum.values()}
        return "number" if len(kinds) > 1 else kinds.pop()

    def compile(self) -> Transform:
        """A lookup in the table."""
        fold: Callable[[str], str] = str.casefold if self.ignore_case else str
        table = {fold(key): value for key, value in self.enum.items()}
        allowed = ", ".join(repr(key) for key in self.enum)

        def look_up(text: str) -> EnumValue:
            try:
                return table[fold(text)]
            except KeyError:
                raise StepError(f"{shown(text)} is not one of {allowed}") from None

        return look_up


def _enum_type(value: EnumValue) -> ValueType:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    return "number" if isinstance(value, float) else "text"


class NameStep(_Step):
    """Turn a person's name into display form, "First M. Last"."""

    name: NameOrder

    def compile(self) -> Transform:
        """A name formatter."""
        order = self.name

        def format_name(text: str) -> str:
            try:
                return display_name(text, order)
            except ValueError as exc:
                raise StepError(str(exc)) from None

        return format_name


class TemplateStep(_Step):
    """Put the value into a text template at `{}`, e.g. `hrd-{}`."""

    template: str

    @field_validator("template")
    @classmethod
    def _one_slot(cls, template: str) -> str:
        if template.count("{}") != 1:
            raise ValueError("a template holds exactly one '{}' where the value goes")
        return template

    def accepts(self) -> frozenset[ValueType]:
        """Text and whole numbers."""
        return frozenset({"text", "int"})

    def compile(self) -> Transform:
        """A formatter."""
        head, tail = self.template.split("{}")
        return lambda value: f"{head}{value}{tail}"


class WeeksFromStep(_Step):
    """Date week N of a series: week `first_week` starts on `weeks_from`."""

    weeks_from: date
    first_week: int = 1

    def accepts(self) -> frozenset[ValueType]:
        """Week numbers."""
        return frozenset({"int"})

    def output(self, given: ValueType) -> ValueType:
        """Dates."""
        return "date"

    def compile(self) -> Transform:
        """Week number to the date the week starts."""
        anchor, first = self.weeks_from, self.first_week

        def week_start(week: int) -> date:
            if week < first:
                raise StepError(f"week {week} comes before the first week ({first})")
            return anchor + timedelta(weeks=week - first)

        return week_start


STEP_KEYS = ("date", "datetime", "enum", "name", "template", "weeks_from")


def _step_tag(value: Any) -> str | None:
    if isinstance(value, str | WordStep):
        return "word"
    if isinstance(value, dict):
        return next((key for key in ("word", *STEP_KEYS) if key in value), None)
    return next((key for key in STEP_KEYS if hasattr(value, key)), None)


def _word(value: Any) -> Any:
    return {"word": value} if isinstance(value, str) else value


Step = Annotated[
    Annotated[WordStep, BeforeValidator(_word), Tag("word")]
    | Annotated[DateStep, Tag("date")]
    | Annotated[DateTimeStep, Tag("datetime")]
    | Annotated[EnumStep, Tag("enum")]
    | Annotated[NameStep, Tag("name")]
    | Annotated[TemplateStep, Tag("template")]
    | Annotated[WeeksFromStep, Tag("weeks_from")],
    Discriminator(
        _step_tag,
        custom_error_type="unknown_step",
        custom_error_message=(
            "a step is a word (trim, collapse_spaces, lower, upper, title, integer, number, "
            "boolean, year) or a mapping with one of: " + ", ".join(STEP_KEYS)
        ),
    ),
]


def chain_type(steps: list[Step]) -> ValueType:
    """The type a chain of steps produces from text, or ValueError naming the bad step."""
    current: ValueType = "text"
    for index, step in enumerate(steps):
        if current not in step.accepts():
            takes = " or ".join(sorted(step.accepts()))
            raise ValueError(f"step {index + 1} takes {takes}, but gets {current}")
        current = step.output(current)
    return current
