"""Number formatting: one rule for every cited value."""

from __future__ import annotations

import pytest

from skills.numbers import format_value, number, percent


@pytest.mark.parametrize(
    ("value", "shown"), [(2.25, "2.3"), (2.0, "2"), (0.05, "0.1"), (3.14159, "3.1"), (0, "0")]
)
def test_numbers_show_one_decimal_rounding_halves_up(value: float, shown: str) -> None:
    assert number(value) == shown


@pytest.mark.parametrize(
    ("value", "unit", "weekly", "shown"),
    [
        (3.5, "days", True, "3.5 days/week"),
        (1, "days", False, "1 day"),
        (4.6, "score (1-5)", False, "4.6 / 5"),
        (3, "rating (1-4)", False, "3 / 4"),
        (36.0, "hours", True, "36 h/week"),
        (2, "count", True, "2 a week"),
    ],
)
def test_values_carry_their_units(value: float, unit: str, weekly: bool, shown: str) -> None:
    assert format_value(value, unit=unit, weekly=weekly) == shown


def test_percent_is_whole() -> None:
    assert percent(0.354) == "35%"
