"""How numbers are shown: one formatting rule, so a cited value reads the same everywhere."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

WEEKLY_SUFFIX = {"hours": "h/week", "days": "days/week", "count": "a week", "miles": "miles/week"}
PLAIN_SUFFIX = {"hours": "h", "days": "days", "count": "", "miles": "miles"}


def number(value: float) -> str:
    """A value with at most one decimal (halves round up), without a trailing `.0`."""
    rounded = float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def format_value(value: float, *, unit: str, weekly: bool) -> str:
    """A value with its unit: `3.5 days/week`, `36 h/week`, `4.6 / 5`, `3 / 4`."""
    if unit.startswith(("score", "rating")) and "-" in unit:
        top = unit.rsplit("-", 1)[1].rstrip(")").strip()
        return f"{number(value)} / {top}"
    suffix = (WEEKLY_SUFFIX if weekly else PLAIN_SUFFIX).get(unit, unit)
    if number(value) == "1" and suffix.startswith("days"):
        suffix = "day" + suffix[4:]
    return f"{number(value)} {suffix}".strip()


def percent(fraction: float) -> str:
    """A 0-1 fraction as a whole percentage."""
    return f"{round(fraction * 100)}%"
