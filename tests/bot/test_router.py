"""The router against its labelled set: accuracy floor, never a wrong person, the set's shape."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bench.router_report import (
    ASK,
    DEFAULT_FILE,
    UNKNOWN,
    Case,
    Figures,
    evaluate,
    judge,
    load_set,
)
from bot.router import HELP, INTENTS

ROUTER_DIR = Path(__file__).resolve().parents[2] / "bot" / "router"


def test_labelled_set_has_enough_items_and_a_held_out_part() -> None:
    _, cases = load_set(DEFAULT_FILE)
    holdout = [case for case in cases if case.holdout]

    assert len(cases) >= 170
    assert 25 <= len(holdout) <= 40
    assert {case.intent for case in cases} == {*INTENTS, HELP}


def test_labelled_set_labels_only_known_people_modules_and_intents() -> None:
    roster, cases = load_set(DEFAULT_FILE)
    names = {person.name for person in roster.people}
    slugs = {slug for slug, _ in roster.modules}

    for case in cases:
        assert case.intent in (*INTENTS, HELP), case.text
        assert case.person in (names | {None, ASK, UNKNOWN}), case.text
        assert case.module is None or case.module in slugs, case.text
        assert case.after is None or case.refers_back, case.text


def test_labelled_set_covers_each_kind_of_person_label() -> None:
    _, cases = load_set(DEFAULT_FILE)
    labels = [case.person for case in cases]

    assert labels.count(ASK) >= 5
    assert labels.count(UNKNOWN) >= 5
    assert sum(1 for case in cases if "<@" in case.text) >= 5
    assert sum(1 for case in cases if "<at>" in case.text) >= 2


@pytest.fixture(scope="module")
def figures() -> tuple[Figures, Figures]:
    return evaluate(DEFAULT_FILE)


@pytest.mark.parametrize("part", [0, 1], ids=["tuning", "held-out"])
def test_intent_accuracy_is_at_least_95_percent(
    figures: tuple[Figures, Figures], part: int
) -> None:
    result = figures[part]

    assert result.ratio("intent_ok") >= 0.95, [v.case.text for v in result.misses]


@pytest.mark.parametrize("part", [0, 1], ids=["tuning", "held-out"])
def test_no_utterance_resolves_to_a_wrong_person(
    figures: tuple[Figures, Figures], part: int
) -> None:
    result = figures[part]
    wrong = [v.case.text for v in result.verdicts if v.wrong_person]

    assert wrong == []


@pytest.mark.parametrize("text", ["and for her?", "and for him?", "and for them?"])
def test_pronoun_follow_up_after_a_prep_keeps_the_prep_intent(text: str) -> None:
    roster, _ = load_set(DEFAULT_FILE)
    case = Case(text, "prep_one_on_one", None, None, after="prep_one_on_one", refers_back=True)

    verdict = judge(case, roster)

    assert verdict.route.refers_back
    assert verdict.intent == "prep_one_on_one"
    assert verdict.person_ok
    assert verdict.extras_ok


def test_labelled_set_flags_several_people_where_two_are_named() -> None:
    roster, cases = load_set(DEFAULT_FILE)
    labelled = [case for case in cases if case.multiple_people is not None]

    assert {case.multiple_people for case in labelled} == {True, False}
    for case in labelled:
        assert judge(case, roster).route.multiple_people == case.multiple_people, case.text


def test_router_modules_import_no_storage_settings_or_database() -> None:
    forbidden = ("storage", "sqlalchemy", "sqlmodel", "skills", "pydantic_settings")
    for path in ROUTER_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            assert not [m for m in modules if m.split(".")[0] in forbidden], path.name
