"""Parsing a logged 1:1: the outcome after the colon, follow-ups and their due dates."""

from __future__ import annotations

from datetime import date

from skills.log_one_on_one import due_date, follow_ups_of, outcome_of

THURSDAY = date(2026, 12, 3)


def test_outcome_is_what_follows_done_and_a_colon() -> None:
    text = "1:1 with Dana done: agreed daily prioritisation, check in Friday"
    assert outcome_of(text) == "agreed daily prioritisation, check in Friday"


def test_the_colon_inside_one_to_one_is_not_the_separator() -> None:
    assert outcome_of("had my 1:1 with Sam") == ""


def test_follow_ups_split_on_commas_and_drop_lead_words() -> None:
    items = follow_ups_of("agreed daily prioritisation, check in Friday", today=THURSDAY)
    assert items == [("Daily prioritisation", None), ("Check in Friday", date(2026, 12, 4))]


def test_weekday_names_mean_the_next_such_day() -> None:
    assert due_date("review on thursday", today=THURSDAY) == date(2026, 12, 10)
    assert due_date("tomorrow", today=THURSDAY) == date(2026, 12, 4)
    assert due_date("next week", today=THURSDAY) == date(2026, 12, 10)
    assert due_date("soon", today=THURSDAY) is None
