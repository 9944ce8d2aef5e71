"""The content library's records: framework, signals, roles, modules and word lists.

Every model is frozen and refuses unknown keys, so a typo in a YAML file is an error rather
than a silently ignored setting. Checks that need more than one file (does this tag exist in
the taxonomy?) live in the loader; checks of one record's own shape live here.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

LESSON_MAX_WORDS = 220
LESSON_MIN_WORDS = 100

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Kind = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Para = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1200)]
OnetElement = Annotated[str, StringConstraints(pattern=r"^\d(?:\.[A-Za-z0-9]+)+$")]
Direction = Literal["higher_better", "lower_better", "neutral"]
Audience = Literal["manager", "employee", "everyone"]
MatchMode = Literal["prefix", "word", "phrase", "regex"]


def word_count(text: str) -> int:
    """Words in a piece of Markdown prose (markup characters are not words)."""
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'\u2019.-]*", text))


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Level(_Record):
    """One proficiency level of the framework (1 is the entry level)."""

    level: int = Field(ge=1, le=9)
    name: Line
    meaning: Para


class Family(_Record):
    """A group of related competencies, such as delivery or leadership."""

    slug: Slug
    name: Line
    description: Para


class Competency(_Record):
    """A competency with its definition and what it looks like at each level."""

    slug: Slug
    name: Line
    family: Slug
    definition: Para
    onet: tuple[OnetElement, ...] = ()
    indicators: dict[int, tuple[Line, ...]]

    @field_validator("indicators")
    @classmethod
    def _each_level_has_indicators(
        cls, value: dict[int, tuple[str, ...]]
    ) -> dict[int, tuple[str, ...]]:
        empty = sorted(level for level, lines in value.items() if not lines)
        if empty:
            raise ValueError(f"levels {empty} have no behavioural indicators")
        return value


class Framework(_Record):
    """The competency framework: levels, families and competencies."""

    levels: tuple[Level, ...] = Field(min_length=2)
    families: tuple[Family, ...] = Field(min_length=1)
    competencies: tuple[Competency, ...] = Field(min_length=1)


class Scale(_Record):
    """The range of a score-like signal, with optional labels for its values."""

    min: float
    max: float
    labels: dict[int, Line] = Field(default_factory=dict)


class Signal(_Record):
    """A signal kind: how to show it, which way is good, and which competencies it touches."""

    kind: Kind
    label: Line
    unit: Line
    direction: Direction
    cadence: Literal["weekly", "snapshot"]
    competencies: tuple[Slug, ...] = Field(min_length=1)
    why: Line
    dip_phrase: Line
    scale: Scale | None = None


class Kpi(_Record):
    """A role's key performance indicator, with a benchmark and where that figure comes from."""

    name: Line
    signal: Kind | None = None
    unit: Line
    direction: Literal["higher_better", "lower_better"]
    benchmark: float
    benchmark_basis: Literal["assumption", "measured", "published"]
    benchmark_source: Para


class NextLevel(_Record):
    """The usual next role, and what promotion evidence for it looks like."""

    role: Slug
    summary: Para
    evidence: tuple[Line, ...] = Field(min_length=1)


class Role(_Record):
    """A role profile: expected competency levels, the next step and KPIs."""

    slug: Slug
    title: Line
    aliases: tuple[Line, ...] = ()
    department: Line
    track: Literal["individual_contributor", "manager", "executive"]
    onet_soc: Annotated[str, StringConstraints(pattern=r"^\d{2}-\d{4}\.\d{2}$")] | None = None
    summary: Para
    expectations: dict[Slug, int] = Field(min_length=3)
    next_level: NextLevel | None = None
    kpis: tuple[Kpi, ...] = Field(min_length=1)


class QuizQuestion(_Record):
    """A multiple-choice question; `answer` is the index of the right option (from 0)."""

    question: Line
    options: tuple[Line, ...] = Field(min_length=2, max_length=5)
    answer: int = Field(ge=0)
    explanation: Para

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> QuizQuestion:
        if self.answer >= len(self.options):
            raise ValueError(f"answer {self.answer} is not one of the {len(self.options)} options")
        return self

    @property
    def answer_text(self) -> str:
        """The right option's text."""
        return self.options[self.answer]


class Module(_Record):
    """A microlearning module: a 90-second lesson, a 2-minute task, a quiz and a 1:1 prompt."""

    slug: Slug
    title: Line
    aliases: tuple[Line, ...] = ()
    competencies: tuple[Slug, ...] = Field(min_length=1)
    audience: Audience
    minutes: int = Field(ge=2, le=6)
    signals: tuple[Kind, ...] = ()
    objective: Para
    lesson: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    practice: Para
    quiz: tuple[QuizQuestion, ...] = Field(min_length=2, max_length=3)
    next_one_on_one: Para

    @field_validator("lesson")
    @classmethod
    def _lesson_reads_in_about_ninety_seconds(cls, value: str) -> str:
        words = word_count(value)
        if words > LESSON_MAX_WORDS:
            raise ValueError(f"lesson has {words} words; the limit is {LESSON_MAX_WORDS}")
        if words < LESSON_MIN_WORDS:
            raise ValueError(f"lesson has {words} words; write at least {LESSON_MIN_WORDS}")
        return value

    @property
    def lesson_words(self) -> int:
        """Words in the lesson."""
        return word_count(self.lesson)


class WordCategory(_Record):
    """One list of terms inside a word-list file, all matched the same way."""

    description: Para
    match: MatchMode
    terms: tuple[Annotated[str, StringConstraints(min_length=1, max_length=80)], ...] = Field(
        min_length=1
    )

    @field_validator("terms")
    @classmethod
    def _no_duplicates(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        repeated = sorted(term for term, count in Counter(value).items() if count > 1)
        if repeated:
            raise ValueError(f"repeated terms: {', '.join(repeated)}")
        return value


class WordList(_Record):
    """A word list for language checks, with its provenance kept beside it."""

    name: Slug
    title: Line
    origin: Literal["research", "tandem"]
    source: Para
    citation: Para
    licence: Line
    licence_notice: Annotated[str, StringConstraints(strip_whitespace=True)] | None = None
    categories: dict[Kind, WordCategory] = Field(min_length=1)


class FaqEntry(_Record):
    """One question of the employee FAQ with its answer."""

    id: str
    question: str
    answer: str
