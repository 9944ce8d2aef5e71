"""The router's intents and slots: typos, follow-ups, logged outcomes, modules, cycles, ids."""

from __future__ import annotations

import pytest

from bot.router import HELP, INTENTS, PersonRef, Route, route

DANA = PersonRef(2, "Dana Whitfield", ("U0DANA",))
SAM = PersonRef(3, "Sam Okafor", ("U0SAM",))
TEAM = (PersonRef(1, "Priya Raman"), DANA, SAM, PersonRef(5, "Alex Chen"))
MODULES = (
    ("time-management", "Time management"),
    ("giving-feedback", "Giving feedback"),
    ("prioritisation", "Prioritisation"),
)
CYCLES = ("2025 H1", "2025 H2")


def _route(text: str) -> Route:
    return route(text, people=TEAM, modules=MODULES, cycles=CYCLES, self_id=1)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("perp my 1:1 with dana", "prep_one_on_one"),
        ("prep my 1-1 with dana", "prep_one_on_one"),
        ("prep my 121 with dana", "prep_one_on_one"),
        ("prep my one on one with dana", "prep_one_on_one"),
        ("catch-up with dana tomorrow, what should I cover?", "prep_one_on_one"),
        ("draft reveiw for dana", "draft_review"),
        ("sugest gaols for dana", "suggest_goals"),
        ("asign time managment to dana", "assign_module"),
        ("promtion readiness for sam", "promotion_readiness"),
        ("skils gap for sam", "skills_gap"),
        ("what do you knwo about me", "my_data"),
        ("i disagre with D21", "dispute"),
        ("draft my self-evalution", "self_evaluation"),
    ],
)
def test_misspelt_and_varied_keywords_still_find_the_intent(text: str, intent: str) -> None:
    assert _route(text).intent == intent


@pytest.mark.parametrize("text", ["asdfghjkl", "lorem ipsum dolor sit amet", "", "?!", "🙂"])
def test_unrecognised_input_gets_help_with_low_confidence(text: str) -> None:
    routed = _route(text)

    assert routed.intent == HELP
    assert routed.confidence < 0.5
    assert routed.person_id is None
    assert routed.person_text is None


def test_asking_for_help_gets_help() -> None:
    assert _route("what can you do?").intent == HELP


def test_a_clear_request_is_confident() -> None:
    assert _route("prep my 1:1 with Dana").confidence >= 0.8


def test_every_intent_is_reachable() -> None:
    texts = [
        "prep dana",
        "draft dana's review",
        "my self evaluation",
        "suggest goals for dana",
        "assign prioritisation to dana",
        "skills gap for dana",
        "is dana ready for promotion",
        "what data do you have on me",
        "dispute D3",
        "1:1 with dana done: fine",
    ]

    assert [_route(text).intent for text in texts] == list(INTENTS)


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("and for Sam?", SAM),
        ("what about Dana", DANA),
        ("how about <@U0SAM|sam>?", SAM),
        ("same for Dana", DANA),
        ("Sam too", SAM),
        ("Dana?", DANA),
    ],
)
def test_follow_up_naming_only_a_person_refers_back(text: str, person: PersonRef) -> None:
    routed = _route(text)

    assert routed.refers_back
    assert routed.intent == HELP
    assert routed.person_id == person.id


def test_follow_up_with_a_pronoun_refers_back_to_the_last_subject() -> None:
    routed = _route("same for him")

    assert routed.refers_back
    assert routed.pronoun
    assert routed.person_id is None
    assert routed.person_text is None


@pytest.mark.parametrize(
    "text",
    [
        "and for her?",
        "and for him?",
        "and for them?",
        "what about her?",
        "what about him?",
        "what about them?",
        "what about they?",
        "and he?",
        "and she?",
        "same for them",
    ],
)
def test_every_third_person_pronoun_refers_back_alike_with_no_gender_check(text: str) -> None:
    routed = _route(text)

    assert routed.intent == HELP
    assert routed.refers_back
    assert routed.pronoun
    assert (routed.person_id, routed.person_text, routed.candidates) == (None, None, ())


@pytest.mark.parametrize("pronoun", ["her", "him", "them", "his", "their"])
def test_pronoun_in_a_request_is_flagged_whatever_the_pronoun(pronoun: str) -> None:
    routed = _route(f"prep my 1:1 with {pronoun}")

    assert routed.intent == "prep_one_on_one"
    assert routed.pronoun
    assert not routed.refers_back
    assert routed.person_id is None


def test_follow_up_with_its_own_intent_does_not_reuse_the_last_one() -> None:
    routed = _route("and draft a review for Sam")

    assert routed.intent == "draft_review"
    assert not routed.refers_back
    assert routed.person_id == SAM.id


def test_pronoun_subject_with_an_intent_is_flagged_for_the_last_subject() -> None:
    routed = _route("draft her review")

    assert routed.intent == "draft_review"
    assert routed.pronoun
    assert not routed.refers_back


def test_unknown_word_alone_is_not_a_follow_up() -> None:
    routed = _route("banana")

    assert not routed.refers_back
    assert routed.person_text is None


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        (
            "1:1 with Dana done: agreed daily prioritisation, check in Friday",
            "agreed daily prioritisation, check in Friday",
        ),
        ("one on one with sam finished - wants more ownership", "wants more ownership"),
        ("just had my 1:1 with Sam, he is settling in well", "he is settling in well"),
        ("done with Sam's 1:1. outcome: he'll mentor Jordan", "he'll mentor Jordan"),
        ("log 1:1 <@U0DANA|dana>: missed two deadlines", "missed two deadlines"),
        ("catch-up with Dana: she is happy with the new team", "she is happy with the new team"),
        ("log that Dana and I agreed to daily standups", "agreed to daily standups"),
        ("log: 1:1 with sam, discussed career growth", "discussed career growth"),
    ],
)
def test_logged_one_on_one_carries_its_outcome(text: str, outcome: str) -> None:
    routed = _route(text)

    assert routed.intent == "log_one_on_one"
    assert routed.outcome == outcome
    assert routed.detail == outcome


def test_logged_subject_may_follow_the_log_keyword() -> None:
    routed = _route("log: 1:1 with sam, discussed career growth")

    assert routed.person_id == SAM.id


def test_logging_without_an_outcome_leaves_it_empty() -> None:
    routed = _route("log my 1:1 with Dana")

    assert routed.intent == "log_one_on_one"
    assert routed.person_id == DANA.id
    assert routed.outcome is None


def test_keywords_in_a_logged_outcome_do_not_change_the_intent_or_module() -> None:
    routed = _route("1:1 with Sam done: discussed promotion and time management")

    assert routed.intent == "log_one_on_one"
    assert routed.module is None


@pytest.mark.parametrize(
    "text", ["my 1:1 with Dana: what should I cover?", "1:1 with dana tomorrow - prep"]
)
def test_a_question_or_request_after_the_separator_is_not_an_outcome(text: str) -> None:
    routed = _route(text)

    assert routed.intent == "prep_one_on_one"
    assert routed.outcome is None


@pytest.mark.parametrize(
    ("text", "module"),
    [
        ("assign time management to Dana", "time-management"),
        ("assign time-management to Dana", "time-management"),
        ("assign prioritization to Dana", "prioritisation"),
        ("send Sam the Giving Feedback module", "giving-feedback"),
        ("assign a module to Sam", None),
    ],
)
def test_module_is_found_by_title_slug_or_spelling_variant(text: str, module: str | None) -> None:
    routed = _route(text)

    assert routed.intent == "assign_module"
    assert routed.module == module


@pytest.mark.parametrize(
    ("text", "cycle"),
    [
        ("draft Dana's review for 2025 H2", "2025 H2"),
        ("draft Dana's H1 review", "2025 H1"),
        ("draft Dana's review", None),
    ],
)
def test_review_cycle_is_found_in_full_or_by_its_own_part(text: str, cycle: str | None) -> None:
    assert _route(text).cycle == cycle


def test_short_id_is_found_and_leans_towards_dispute() -> None:
    routed = _route("contest d12")

    assert routed.intent == "dispute"
    assert routed.ref == "D12"
    assert routed.detail == "D12"


def test_half_year_is_not_taken_for_a_short_id() -> None:
    assert _route("draft Dana's H2 review").ref is None


def test_very_long_input_is_routed() -> None:
    routed = _route("please " * 500 + "prep my 1:1 with Dana")

    assert routed.intent == "prep_one_on_one"
    assert routed.person_id == DANA.id
