"""The router's people: mentions, shared first names, unknown names, look-alikes, typos."""

from __future__ import annotations

import pytest

from bot.router import NameMatch, NameThresholds, PersonRef, Route, match_person, route

PRIYA = PersonRef(1, "Priya Raman", ("priya.raman@demo.tandem.example", "U0PRIYA"))
DANA = PersonRef(2, "Dana Whitfield", ("dana.whitfield@demo.tandem.example", "U0DANA", "dwhit"))
SAM = PersonRef(3, "Sam Okafor", ("U0SAM",))
JORDAN = PersonRef(4, "Jordan Blake", ("U0JORDAN",))
ALEX_C = PersonRef(5, "Alex Chen", ("U0ALEXC",))
ALEX_M = PersonRef(6, "Alex Moreno", ("U0ALEXM",))
MEI = PersonRef(7, "Mei Tanaka", ("U0MEI",))
TOM = PersonRef(8, "Tom Hughes", ("U0TOM",))
TEAM = (PRIYA, DANA, SAM, JORDAN, ALEX_C, ALEX_M, MEI, TOM)


def _route(text: str, people: tuple[PersonRef, ...] = TEAM) -> Route:
    return route(text, people=people, self_id=PRIYA.id)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("prep <@U0DANA|dana>", DANA),
        ("prep <@U0SAM>", SAM),
        ("prep <@u0sam>", SAM),
        ("<@U0MEI> prep please", MEI),
        ("goals for <at>Tom Hughes</at>", TOM),
        ("goals for <at>@Mei Tanaka</at>", MEI),
        ("prep 1:1 dana.whitfield@demo.tandem.example", DANA),
        ("prep 1:1 @dwhit", DANA),
        ("prep 1:1 @jordan", JORDAN),
    ],
    ids=[
        "slack-labelled",
        "slack-bare",
        "slack-lower",
        "slack-leading",
        "teams",
        "teams-at-sign",
        "email",
        "handle-alias",
        "handle-name",
    ],
)
def test_each_mention_style_resolves_to_its_person(text: str, expected: PersonRef) -> None:
    routed = _route(text)

    assert routed.person_id == expected.id
    assert routed.candidates == ()


def test_slack_mention_of_someone_outside_the_visible_people_is_unknown_whatever_its_label() -> (
    None
):
    routed = _route("prep <@U0OTHER|dana>")

    assert routed.person_id is None
    assert routed.candidates == ()
    assert routed.person_text == "dana"


def test_slack_label_is_matched_by_name_when_no_chat_ids_are_known() -> None:
    plain = tuple(PersonRef(p.id, p.name) for p in TEAM)

    routed = _route("prep <@U0DANA|dana>", plain)

    assert routed.person_id == DANA.id


def test_unlabelled_unknown_mention_leading_the_message_is_taken_as_the_bot() -> None:
    routed = _route("<@UBOT9> prep my 1:1 with Sam")

    assert routed.person_id == SAM.id


def test_unlabelled_unknown_mention_inside_the_message_is_an_unknown_person() -> None:
    routed = _route("prep my 1:1 with <@U0GHOST>")

    assert routed.person_id is None
    assert routed.person_text == "<@U0GHOST>"


def test_unknown_email_is_an_unknown_person() -> None:
    routed = _route("prep 1:1 wei.reyes@demo.tandem.example")

    assert routed.person_id is None
    assert routed.candidates == ()
    assert routed.person_text == "wei.reyes@demo.tandem.example"


@pytest.mark.parametrize(
    "text", ["prep my 1:1 with Alex", "draft alex's review", "<at>Alex</at> goals", "alex?"]
)
def test_first_name_shared_by_two_people_asks_back_with_both(text: str) -> None:
    routed = _route(text)

    assert routed.person_id is None
    assert {c.name for c in routed.candidates} == {"Alex Chen", "Alex Moreno"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("prep alex m", ALEX_M),
        ("prep Alex C.", ALEX_C),
        ("prep alex mor", ALEX_M),
        ("draft review D. Whitfield", DANA),
        ("prep alex chen", ALEX_C),
        ("draft Moreno's review", ALEX_M),
        ("draft chen's review", ALEX_C),
    ],
)
def test_shared_first_name_with_surname_initial_or_surname_resolves(
    text: str, expected: PersonRef
) -> None:
    assert _route(text).person_id == expected.id


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("prep my 1:1 with Chris Evans", "Chris Evans"),
        ("is Marcus ready for promotion", "Marcus"),
        ("prep my 1:1 with chris", "chris"),
        ("skills gap for Olivia Brandt", "Olivia Brandt"),
        ("prep my 1:1 with Wei", "Wei"),
    ],
)
def test_name_nobody_visible_has_is_unknown_with_its_text(text: str, name: str) -> None:
    routed = _route(text)

    assert routed.person_id is None
    assert routed.candidates == ()
    assert routed.person_text == name


def test_first_name_with_a_different_surname_asks_instead_of_taking_the_first_name() -> None:
    routed = _route("prep my 1:1 with Sam Smith")

    assert routed.person_id is None
    assert routed.candidates == (SAM,)


@pytest.mark.parametrize("text", ["is Will Okafor ready for promotion?", "prep will okafor"])
def test_everyday_word_before_a_surname_is_part_of_the_name(text: str) -> None:
    routed = _route(text)

    assert routed.person_id is None
    assert routed.candidates == (SAM,)


def test_short_misspelt_name_asks_and_long_misspelt_name_is_taken() -> None:
    short = _route("prep for Jordon")
    long = _route("prep my 1:1 with Dana Whitfeild")

    assert (short.person_id, short.candidates) == (None, (JORDAN,))
    assert long.person_id == DANA.id


@pytest.mark.parametrize(
    "text", ["prep my 1:1 tomorrow", "same for him", "prep my 1:1, then more on deadlines"]
)
def test_everyday_words_close_to_names_never_become_people(text: str) -> None:
    routed = _route(text)

    assert routed.person_id is None
    assert routed.candidates == ()


def test_two_different_people_named_are_both_offered() -> None:
    routed = _route("prep my 1:1 with Dana and Sam")

    assert routed.person_id is None
    assert set(routed.candidates) == {DANA, SAM}


def test_names_in_a_logged_outcome_do_not_become_the_subject() -> None:
    routed = _route("had my check-in with Tom, we agreed he will pair with Mei on estimates")

    assert routed.person_id == TOM.id


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("what do you know about me", "my_data"),
        ("draft my self assessment", "self_evaluation"),
        ("assign time management to myself", "assign_module"),
        ("what are my skill gaps", "skills_gap"),
    ],
)
def test_me_my_myself_name_the_requester(text: str, intent: str) -> None:
    routed = _route(text)

    assert routed.intent == intent
    assert routed.person_id == PRIYA.id


def test_my_one_on_one_does_not_make_the_requester_the_subject() -> None:
    routed = _route("help me prep for my 1:1")

    assert routed.person_id is None
    assert routed.person_text is None


def test_without_a_requester_id_me_resolves_to_nobody() -> None:
    routed = route("what do you know about me", people=TEAM)

    assert routed.intent == "my_data"
    assert routed.person_id is None


def test_stricter_thresholds_turn_a_match_into_a_question() -> None:
    strict = NameThresholds(accept_score=101, accept_margin=8, suggest_score=75)

    routed = route("prep dana", people=TEAM, thresholds=strict)

    assert routed.person_id is None
    assert routed.candidates == (DANA,)


def test_match_person_takes_alias_full_name_and_asks_on_shared_first_name() -> None:
    assert match_person("U0DANA", TEAM).person == DANA
    assert match_person("Sam Okafor", TEAM).person == SAM
    assert match_person("dana's", TEAM).person == DANA
    assert set(match_person("Alex", TEAM).candidates) == {ALEX_C, ALEX_M}
    assert match_person("Zebulon", TEAM) == match_person("", TEAM)
    assert match_person("Zebulon", TEAM).person is None


def _fullwidth(text: str) -> str:
    """The text in fullwidth forms, as some East Asian keyboards type it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    "text",
    [
        f"prep my 1:1 with {_fullwidth('Dana')}",
        f"prep my 1:1 with {_fullwidth('Dana Whitfield')}",
        _fullwidth("prep my 1:1 with dana"),
    ],
    ids=["fullwidth-first-name", "fullwidth-full-name", "fullwidth-everything"],
)
def test_fullwidth_text_is_normalised_before_matching(text: str) -> None:
    routed = _route(text)

    assert routed.intent == "prep_one_on_one"
    assert routed.person_id == DANA.id
    assert routed.person_text is not None
    assert routed.person_text.lower().startswith("dana")


def test_fullwidth_name_in_the_roster_matches_plain_text() -> None:
    wide = PersonRef(9, _fullwidth("Kim Lee"), (_fullwidth("U0KIM"),))

    assert _route("prep my 1:1 with Kim Lee", (*TEAM, wide)).person_id == wide.id
    assert _route("prep <@U0KIM>", (*TEAM, wide)).person_id == wide.id


DRIVERS = tuple(PersonRef(100 + n, f"Driver {n}", (f"U0DRV{n}",)) for n in range(1, 41))


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("prep my 1:1 with Driver 11", 11),
        ("prep my 1:1 with Driver 1", 1),
        ("prep my 1:1 with driver 40", 40),
        ("draft Driver 10's review", 10),
        ("goals for <at>Driver 12</at>", 12),
        ("prep my 1:1 with Driver 3 in 2 days", 3),
    ],
)
def test_name_with_a_number_resolves_exactly_among_forty_alike(text: str, number: int) -> None:
    routed = _route(text, (*TEAM, *DRIVERS))

    assert routed.person_id == 100 + number
    assert routed.candidates == ()


def test_number_nobody_has_after_a_numbered_name_is_an_unknown_person() -> None:
    routed = _route("prep my 1:1 with Driver 41", (*TEAM, *DRIVERS))

    assert routed.person_id is None
    assert routed.candidates == ()
    assert routed.person_text == "Driver 41"


def test_number_after_an_ordinary_name_is_not_part_of_it() -> None:
    routed = _route("prep my 1:1 with Dana 2 days from now", (*TEAM, *DRIVERS))

    assert routed.person_id == DANA.id


def test_match_person_treats_numbers_in_names_exactly() -> None:
    assert match_person("Driver 11", DRIVERS).person == DRIVERS[10]
    assert match_person("driver 1", DRIVERS).person == DRIVERS[0]
    assert match_person("Driver 41", DRIVERS) == NameMatch(None)
