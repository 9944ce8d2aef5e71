"""Router report: how well the offline router reads a labelled set of utterances.

Run: `.venv/bin/python bench/router_report.py [FILE] [--show-holdout]`

FILE defaults to `tests/data/router_utterances.yaml`. Prints, for the tuning part and the
held-out part separately: intent accuracy, person accuracy, wrong-person count (the router
resolved someone other than the expected person: must be 0), ask-back count, module
accuracy, and the other slots (cycle, outcome, id, follow-up, several people named); then
lists the misses of the tuning part. Misses of the held-out part are listed only with
`--show-holdout`. Ends with the routing time per
utterance (p50/p95) against a floor measured in the same run (tokenising the message only).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path, and a sibling named like an
# optional stdlib import (bench/org.py vs copy's `org.python.core`) would shadow it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

import yaml  # noqa: E402

from bot.router import HELP, PersonRef, Route, route  # noqa: E402
from bot.router.text import read_message  # noqa: E402

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "tests/data/router_utterances.yaml"
ASK = "ASK"
UNKNOWN = "UNKNOWN"


@dataclass(frozen=True)
class Roster:
    """The labelled set's world: who asks, whom they may see, modules and cycles."""

    people: tuple[PersonRef, ...]
    modules: tuple[tuple[str, str], ...]
    cycles: tuple[str, ...]
    self_id: int | None

    def id_of(self, name: str) -> int:
        """The id of the person with this full name."""
        return next(person.id for person in self.people if person.name == name)


@dataclass(frozen=True)
class Case:
    """One labelled utterance (see the file's header for the fields)."""

    text: str
    intent: str
    person: str | None
    module: str | None
    after: str | None = None
    refers_back: bool = False
    cycle: str | None = None
    outcome: str | None = None
    ref: str | None = None
    holdout: bool = False
    multiple_people: bool | None = None


@dataclass(frozen=True)
class Verdict:
    """How the router did on one case."""

    case: Case
    route: Route
    intent: str
    intent_ok: bool
    person_ok: bool
    wrong_person: bool
    asked: bool
    module_ok: bool
    extras_ok: bool


@dataclass
class Figures:
    """Totals over a set of verdicts."""

    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many cases."""
        return len(self.verdicts)

    def ratio(self, name: str) -> float:
        """The share of cases whose flag `name` is true."""
        if not self.verdicts:
            return 0.0
        return sum(bool(getattr(v, name)) for v in self.verdicts) / self.total

    def count(self, name: str) -> int:
        """How many cases have flag `name` true."""
        return sum(bool(getattr(v, name)) for v in self.verdicts)

    @property
    def misses(self) -> list[Verdict]:
        """Cases with any wrong field."""
        return [
            v
            for v in self.verdicts
            if not (v.intent_ok and v.person_ok and v.module_ok and v.extras_ok)
        ]


def load_set(path: Path) -> tuple[Roster, list[Case]]:
    """Read a labelled file into its roster and cases.

    Tolerant of sets written elsewhere: people without ids are numbered in order, missing
    optional fields are empty, unknown keys are ignored, and ASK / UNKNOWN may be any case.
    """
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    people = tuple(
        PersonRef(int(p.get("id", number)), str(p["name"]), tuple(p.get("aliases") or ()))
        for number, p in enumerate(data["people"], start=1)
    )
    modules = tuple(
        (str(m["slug"]), str(m.get("title", m["slug"]))) for m in data.get("modules") or ()
    )
    cycles = tuple(str(c) for c in data.get("cycles") or ())
    requester = data.get("requester")
    self_id = next((p.id for p in people if p.name == requester), None)
    cases = [_case(item) for item in data["utterances"]]
    return Roster(people, modules, cycles, self_id), cases


def _case(item: dict[str, Any]) -> Case:
    person = item.get("person")
    if isinstance(person, str) and person.upper() in (ASK, UNKNOWN):
        person = person.upper()
    return Case(
        text=str(item["text"]),
        intent=str(item["intent"]),
        person=person,
        module=item.get("module"),
        after=item.get("after"),
        refers_back=bool(item.get("refers_back", False)),
        cycle=item.get("cycle"),
        outcome=item.get("outcome"),
        ref=item.get("ref"),
        holdout=bool(item.get("holdout", False)),
        multiple_people=item.get("multiple_people"),
    )


def judge(case: Case, roster: Roster) -> Verdict:
    """Route one case and compare with its labels."""
    routed = route(
        case.text,
        people=roster.people,
        modules=roster.modules,
        cycles=roster.cycles,
        self_id=roster.self_id,
    )
    intent = (
        case.after
        if routed.refers_back and routed.intent == HELP and case.after
        else routed.intent
    )
    expected_id = roster.id_of(case.person) if case.person not in (None, ASK, UNKNOWN) else None
    wrong = routed.person_id is not None and routed.person_id != expected_id
    extras = (
        (case.cycle is None or routed.cycle == case.cycle)
        and (case.outcome is None or routed.outcome == case.outcome)
        and (case.ref is None or routed.ref == case.ref)
        and (case.after is None or routed.refers_back == case.refers_back)
        and (case.multiple_people is None or routed.multiple_people == case.multiple_people)
    )
    return Verdict(
        case=case,
        route=routed,
        intent=intent,
        intent_ok=intent == case.intent,
        person_ok=_person_ok(case, routed, expected_id),
        wrong_person=wrong,
        asked=routed.person_id is None and bool(routed.candidates),
        module_ok=routed.module == case.module,
        extras_ok=extras,
    )


def evaluate(path: Path = DEFAULT_FILE) -> tuple[Figures, Figures]:
    """Judge every case of `path`: figures for the tuning part and for the held-out part."""
    roster, cases = load_set(path)
    tuning, holdout = Figures(), Figures()
    for case in cases:
        (holdout if case.holdout else tuning).verdicts.append(judge(case, roster))
    return tuning, holdout


def _person_ok(case: Case, routed: Route, expected_id: int | None) -> bool:
    if expected_id is not None:
        return routed.person_id == expected_id
    if routed.person_id is not None:
        return False
    if case.person == ASK:
        return bool(routed.candidates)
    if case.person == UNKNOWN:
        return not routed.candidates and bool(routed.person_text)
    return not routed.candidates and routed.person_text is None


def _print_figures(title: str, figures: Figures) -> None:
    print(f"{title}: {figures.total} utterances")
    print(f"  intent accuracy   {figures.ratio('intent_ok'):6.1%}")
    print(f"  person accuracy   {figures.ratio('person_ok'):6.1%}")
    print(f"  wrong person      {figures.count('wrong_person'):6d}")
    print(f"  asked back        {figures.count('asked'):6d}")
    print(f"  module accuracy   {figures.ratio('module_ok'):6.1%}")
    print(
        f"  other slots       {figures.ratio('extras_ok'):6.1%}"
        "  (cycle, outcome, id, follow-up, several people)"
    )


def _print_misses(title: str, figures: Figures) -> None:
    misses = figures.misses
    print(f"{title} misses: {len(misses)}")
    for v in misses:
        r = v.route
        wrong = [
            name
            for name, ok in (
                ("intent", v.intent_ok),
                ("person", v.person_ok),
                ("module", v.module_ok),
                ("slots", v.extras_ok),
            )
            if not ok
        ]
        got_person = r.person_id if r.person_id is not None else [c.name for c in r.candidates]
        print(f"  - {v.case.text!r} [{', '.join(wrong)}]")
        print(
            f"      expected {v.case.intent} / {v.case.person} / {v.case.module}; got {v.intent}"
            f" / {got_person} text={r.person_text!r} / {r.module} cycle={r.cycle}"
            f" outcome={r.outcome!r} ref={r.ref} back={r.refers_back}"
            f" several={r.multiple_people}"
        )


def _timing(path: Path) -> None:
    roster, cases = load_set(path)
    routed, floor = [], []
    for case in cases:
        started = time.perf_counter()
        read_message(case.text)
        floor.append(time.perf_counter() - started)
        started = time.perf_counter()
        route(case.text, people=roster.people, modules=roster.modules, cycles=roster.cycles)
        routed.append(time.perf_counter() - started)
    ranked = sorted(routed)
    p50 = statistics.median(ranked) * 1000
    p95 = ranked[min(len(ranked) - 1, int(0.95 * len(ranked)))] * 1000
    base = statistics.median(floor) * 1000
    print(f"time per utterance: p50 {p50:.2f} ms, p95 {p95:.2f} ms; floor p50 {base:.3f} ms")
    print(f"  route / floor (p50): {p50 / base:.0f}x")


def main(argv: Sequence[str]) -> int:
    """Print the report; the exit status is 1 when any person is wrong."""
    arguments = [a for a in argv if not a.startswith("--")]
    path = Path(arguments[0]) if arguments else DEFAULT_FILE
    tuning, holdout = evaluate(path)
    _print_figures("tuning part", tuning)
    if holdout.total:
        _print_figures("held-out part", holdout)
    print()
    _print_misses("tuning part", tuning)
    if "--show-holdout" in argv:
        _print_misses("held-out part", holdout)
    print()
    _timing(path)
    return 1 if tuning.count("wrong_person") or holdout.count("wrong_person") else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
