"""Checks that span files: every tag, level, signal and copy key refers to something real.

Each check returns the problems it found rather than raising, so the loader can report all
of them together. Names are taken from the raw framework where possible, so that one broken
competency does not make every module that uses it fail as well.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from skills.content.copytext import CopyBuilder
from skills.content.errors import ContentProblem
from skills.content.library import normalise_title
from skills.content.models import Framework, Module, Role, Signal, WordList
from skills.content.vocabulary import FAQ_IDS, REQUIRED_COPY, SIGNAL_KINDS

MIT_NOTICE_MARK = "Permission is hereby granted, free of charge"


@dataclass(frozen=True)
class Known:
    """The names other files may refer to."""

    competencies: frozenset[str]
    levels: frozenset[int]
    signal_directions: Mapping[str, str]

    @classmethod
    def from_raw(cls, framework: Any, signals: Mapping[str, Signal]) -> Known:
        """Names read from the raw framework file and the validated signals."""
        raw = framework if isinstance(framework, dict) else {}
        return cls(
            competencies=frozenset(_raw_values(raw.get("competencies"), "slug", str)),
            levels=frozenset(_raw_values(raw.get("levels"), "level", int)),
            signal_directions={kind: signal.direction for kind, signal in signals.items()},
        )


def _raw_values(items: Any, key: str, kind: type) -> list[Any]:
    if not isinstance(items, list):
        return []
    return [
        item[key] for item in items if isinstance(item, dict) and isinstance(item.get(key), kind)
    ]


def check_framework(framework: Framework | None, *, file: str) -> list[ContentProblem]:
    """Levels numbered 1..n, unique slugs, real families, indicators for every level."""
    if framework is None:
        return []
    problems = []
    numbers = [level.level for level in framework.levels]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(ContentProblem(file, "levels", f"must be numbered 1, 2, ...: {numbers}"))
    families = {family.slug for family in framework.families}
    seen: set[str] = set()
    for competency in framework.competencies:
        where = f"competencies.{competency.slug}"
        if competency.slug in seen:
            problems.append(ContentProblem(file, f"{where}.slug", "slug used twice"))
        seen.add(competency.slug)
        if competency.family not in families:
            message = f"unknown family {competency.family!r}"
            problems.append(ContentProblem(file, f"{where}.family", message))
        if set(competency.indicators) != set(numbers):
            message = f"needs indicators for exactly the levels {numbers}"
            problems.append(ContentProblem(file, f"{where}.indicators", message))
    return problems


def check_signals(
    signals: Mapping[str, Signal], known: Known, *, file: str
) -> list[ContentProblem]:
    """Exactly the vocabulary's signal kinds, each mapped to real competencies."""
    problems = []
    for kind in sorted(SIGNAL_KINDS - set(signals)):
        problems.append(ContentProblem(file, f"signals.{kind}", "missing or invalid"))
    for kind, signal in signals.items():
        if kind not in SIGNAL_KINDS:
            problems.append(ContentProblem(file, f"signals.{kind}", "unknown signal kind"))
        problems += _unknown_competencies(signal.competencies, known, file, f"signals.{kind}")
    return problems


def check_roles(roles: Mapping[str, tuple[str, Role]], known: Known) -> list[ContentProblem]:
    """Real competencies and levels, a real next role, known KPI signals, unique titles."""
    problems = []
    titles: dict[str, str] = {}
    for file, role in roles.values():
        problems += _unknown_competencies(tuple(role.expectations), known, file, "expectations")
        for competency, level in role.expectations.items():
            if known.levels and level not in known.levels:
                message = f"level {level} is not in the framework {sorted(known.levels)}"
                problems.append(ContentProblem(file, f"expectations.{competency}", message))
        step = role.next_level
        if step is not None and (step.role not in roles or step.role == role.slug):
            message = f"{step.role!r} is not another role profile"
            problems.append(ContentProblem(file, "next_level.role", message))
        for index, kpi in enumerate(role.kpis, start=1):
            problems += _check_kpi(kpi.signal, kpi.direction, known, file, f"kpis[{index}]")
        for title in (role.title, *role.aliases):
            folded = normalise_title(title)
            owner = titles.setdefault(folded, file)
            if owner != file:
                message = f"title {title!r} is also claimed by {owner}"
                problems.append(ContentProblem(file, "aliases", message))
    return problems


def _check_kpi(
    kind: str | None, direction: str, known: Known, file: str, where: str
) -> list[ContentProblem]:
    if kind is None:
        return []
    if kind not in SIGNAL_KINDS:
        return [ContentProblem(file, f"{where}.signal", f"unknown signal kind {kind!r}")]
    expected = known.signal_directions.get(kind)
    if expected not in (None, "neutral", direction):
        message = f"signal {kind} is {expected}, so the KPI cannot be {direction}"
        return [ContentProblem(file, f"{where}.direction", message)]
    return []


def check_modules(modules: Mapping[str, tuple[str, Module]], known: Known) -> list[ContentProblem]:
    """Every competency tag in the taxonomy, every signal kind known, every name unique."""
    problems = []
    names: dict[str, str] = {}
    for file, module in modules.values():
        problems += _unknown_competencies(module.competencies, known, file, "competencies")
        for name in (module.title, *module.aliases):
            owner = names.setdefault(normalise_title(name), file)
            if owner != file:
                message = f"{name!r} is also used by {owner}"
                problems.append(ContentProblem(file, "aliases", message))
        for kind in module.signals:
            if kind not in SIGNAL_KINDS:
                message = f"unknown signal kind {kind!r}"
                problems.append(ContentProblem(file, "signals", message))
    return problems


def check_wordlists(wordlists: Mapping[str, tuple[str, WordList]]) -> list[ContentProblem]:
    """Regular expressions compile; MIT-licensed lists carry the MIT notice."""
    problems = []
    for file, wordlist in wordlists.values():
        if wordlist.licence.startswith("MIT") and MIT_NOTICE_MARK not in (
            wordlist.licence_notice or ""
        ):
            message = "an MIT-licensed list must carry the MIT permission notice"
            problems.append(ContentProblem(file, "licence_notice", message))
        for name, category in wordlist.categories.items():
            if category.match != "regex":
                continue
            for term in category.terms:
                try:
                    re.compile(term)
                except re.error as exc:
                    message = f"bad regular expression {term!r}: {exc}"
                    problems.append(ContentProblem(file, f"categories.{name}.terms", message))
    return problems


def check_copy(copy: CopyBuilder) -> list[ContentProblem]:
    """Required keys present, using only the placeholders their callers pass; a whole FAQ."""
    problems = []
    for key, allowed in REQUIRED_COPY.items():
        if key not in copy.parsed:
            namespace = key.split(".", 1)[0]
            problems.append(ContentProblem(f"copy/{namespace}.yaml", key, "required, but missing"))
            continue
        extra = copy.variables[key] - allowed
        if extra:
            names = ", ".join(sorted(extra))
            offered = ", ".join(sorted(allowed)) or "none"
            message = f"uses placeholders the caller does not pass: {names} (offered: {offered})"
            problems.append(ContentProblem(copy.files[key], key, message))
    parts = [key.split(".") for key in copy.parsed]
    entries = {part[1] for part in parts if len(part) == 3 and part[0] == "faq"}
    for entry in sorted(entries | set(FAQ_IDS)):
        for part in ("question", "answer"):
            key = f"faq.{entry}.{part}"
            if key not in copy.parsed:
                problems.append(ContentProblem("copy/faq.yaml", key, "required, but missing"))
            elif copy.variables[key]:
                message = "FAQ text cannot use placeholders"
                problems.append(ContentProblem(copy.files[key], key, message))
    return problems


def _unknown_competencies(
    slugs: tuple[str, ...], known: Known, file: str, where: str
) -> list[ContentProblem]:
    return [
        ContentProblem(file, where, f"{slug!r} is not a competency in the framework")
        for slug in slugs
        if slug not in known.competencies
    ]
