"""The router on people named through someone else ("Dana's manager") and on several people."""

from __future__ import annotations

import pytest

from bot.router import PersonRef, Route, route

PRIYA = PersonRef(1, "Priya Raman", ("U0PRIYA",))
DANA = PersonRef(2, "Dana Whitfield", ("U0DANA",))
SAM = PersonRef(3, "Sam Okafor", ("U0SAM",))
ALEX_C = PersonRef(5, "Alex Chen", ("U0ALEXC",))
ALEX_M = PersonRef(6, "Alex Moreno", ("U0ALEXM",))
TEAM = (PRIYA, DANA, SAM, ALEX_C, ALEX_M)


def _route(text: str) -> Route:
    return route(text, people=TEAM, self_id=PRIYA.id)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("prep my 1:1 with Dana Whitfield's manager", "Dana Whitfield's manager"),
        ("prep my 1:1 with Dana's boss", "Dana's boss"),
        ("prep my 1:1 with dana's lead", "dana's lead"),
        ("skills gap for Dana's team", "Dana's team"),
        ("draft a review for Sam's reports", "Sam's reports"),
        ("goals for Sam's direct reports", "Sam's direct reports"),
        ("prep my 1:1 with Dana's line manager", "Dana's line manager"),
        ("prep my 1:1 with Dana's Manager", "Dana's Manager"),
        ("assign delegation to Dana\u2019s colleagues", "Dana's colleagues"),
        ("prep my 1:1 with Dana's peers", "Dana's peers"),
        ("prep my 1:1 with Dana's peer", "Dana's peer"),
        ("draft Dana's manager's review", "Dana's manager"),
        ("prep my 1:1 with <@U0DANA|dana>'s manager", "dana's manager"),
        ("prep my 1:1 with Bob's manager", "Bob's manager"),
        ("prep my 1:1 with Alex's manager", "Alex's manager"),
    ],
)
def test_possessive_before_a_relation_word_is_an_unknown_person_never_the_possessor(
    text: str, phrase: str
) -> None:
    routed = _route(text)

    assert routed.intent != "help"
    assert routed.person_id is None
    assert routed.candidates == ()
    assert routed.person_text == phrase
    assert not routed.pronoun


@pytest.mark.parametrize(
    "text",
    ["prep my 1:1 with Sam about Dana's manager", "prep my 1:1 with Dana's manager about Sam"],
)
def test_relation_phrase_with_another_name_takes_neither_person(text: str) -> None:
    routed = _route(text)

    assert routed.person_id is None
    assert routed.candidates == ()
    assert routed.person_text == "Dana's manager"


@pytest.mark.parametrize("text", ["prep my 1:1 with her manager", "what about his team?"])
def test_possessive_pronoun_before_a_relation_word_does_not_reuse_the_last_subject(
    text: str,
) -> None:
    routed = _route(text)

    assert routed.person_id is None
    assert not routed.pronoun
    assert routed.person_text is not None
    assert routed.person_text.split()[-1] in ("manager", "team")


@pytest.mark.parametrize(
    "text",
    ["prep Dana's review", "Help me get ready for Dana's one-on-one", "what are Dana's strengths"],
)
def test_possessive_before_other_words_still_names_the_possessor(text: str) -> None:
    assert _route(text).person_id == DANA.id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("prep my 1:1 with Dana and Sam", {DANA, SAM}),
        ("prep my 1:1 with <@U0DANA> and <@U0SAM>", {DANA, SAM}),
        ("goals for Dana and Alex", {DANA, ALEX_C, ALEX_M}),
        ("what about Sam and Dana Whitfield?", {DANA, SAM}),
    ],
)
def test_two_different_people_named_are_flagged_as_multiple_people(
    text: str, expected: set[PersonRef]
) -> None:
    routed = _route(text)

    assert routed.multiple_people
    assert routed.person_id is None
    assert set(routed.candidates) == expected


@pytest.mark.parametrize(
    "text",
    [
        "prep my 1:1 with Alex",
        "prep my 1:1 with Alex and Alex Chen",
        "prep my 1:1 with Dana, Dana Whitfield",
        "prep my 1:1 with <@U0DANA|dana> (Dana)",
        "prep my 1:1 with Dana",
        "prep my 1:1 with Jordon",
    ],
)
def test_one_person_named_once_or_twice_is_not_multiple_people(text: str) -> None:
    assert not _route(text).multiple_people
