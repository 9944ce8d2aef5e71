"""The HRIS mapping model, its transform steps and name handling, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from storage.hris import MappingError, load_mapping, parse_mapping
from storage.hris.mapping import FieldSpec
from storage.hris.names import display_name, loose_key, name_key, slug
from storage.hris.steps import StepError

PROJECT = Path(__file__).resolve().parents[2]
MAPPINGS = PROJECT / "content" / "mappings"
DATA = PROJECT / "tests" / "data" / "hris"


def _people(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "external_id": {"column": "id"},
        "name": {"column": "name"},
    }
    return {"entity": "people", "source": "test", "people": {"fields": base | fields}}


def _compiled(steps: list[Any]) -> Any:
    spec = FieldSpec(column="c", steps=steps)
    functions = [step.compile() for step in spec.steps]

    def run(value: Any) -> Any:
        for function in functions:
            value = function(value)
        return value

    return run


@pytest.mark.parametrize("path", sorted(MAPPINGS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_mapping_loads(path: Path) -> None:
    mapping = load_mapping(path)
    assert mapping.source
    assert mapping.mapped_columns()


def test_the_test_fixture_mappings_load() -> None:
    assert load_mapping(DATA / "org.yaml").entity == "people"
    assert load_mapping(DATA / "signals.yaml").entity == "signals"


def test_an_unknown_top_level_key_is_refused_by_name() -> None:
    with pytest.raises(MappingError, match=r"colour: unknown key"):
        parse_mapping(_people() | {"colour": "blue"})


def test_an_unknown_key_inside_a_field_is_refused_with_its_path() -> None:
    raw = _people(title={"column": "t", "stepz": ["trim"]})
    with pytest.raises(MappingError, match=r"people\.fields\.title\.stepz: unknown key"):
        parse_mapping(raw)


def test_an_unknown_person_field_is_named() -> None:
    with pytest.raises(MappingError, match=r"people\.fields\.salary: not a person field"):
        parse_mapping(_people(salary={"column": "pay"}))


def test_an_unknown_step_lists_the_known_ones() -> None:
    with pytest.raises(MappingError, match=r"people\.fields\.title\.steps\.0: .*trim"):
        parse_mapping(_people(title={"column": "t", "steps": ["strip"]}))


def test_a_date_field_without_a_date_step_is_refused_when_loaded() -> None:
    with pytest.raises(
        MappingError, match=r"people\.fields\.hire_date: gives text, but needs date"
    ):
        parse_mapping(_people(hire_date={"column": "start"}))


def test_steps_that_do_not_fit_together_are_refused() -> None:
    raw = _people(title={"column": "t", "steps": [{"date": "%Y"}, "trim"]})
    with pytest.raises(MappingError, match=r"step 2 takes text, but gets date"):
        parse_mapping(raw)


def test_unquoted_yaml_booleans_as_enum_keys_are_refused() -> None:
    raw = _people(is_active={"column": "a", "steps": [{"enum": {True: True}}]})
    with pytest.raises(MappingError, match=r"quote every enum key"):
        parse_mapping(raw)


def test_a_person_mapping_needs_external_id_and_name() -> None:
    raw = {"entity": "people", "source": "x", "people": {"fields": {"name": {"column": "n"}}}}
    with pytest.raises(MappingError, match=r"fields\.external_id: every person needs one"):
        parse_mapping(raw)


def test_a_signal_mapping_needs_an_employee_section() -> None:
    raw = {
        "entity": "signals",
        "source": "x",
        "signals": {
            "at": {"column": "d", "steps": [{"date": "iso"}]},
            "values": [{"kind": "k", "unit": "u", "column": "v", "steps": ["number"]}],
        },
    }
    with pytest.raises(MappingError, match=r"entity 'signals' needs 'employee'"):
        parse_mapping(raw)


def test_a_signal_without_a_time_is_refused() -> None:
    raw = {
        "entity": "signals",
        "source": "x",
        "employee": {"column": "e"},
        "signals": {"values": [{"kind": "k", "unit": "u", "column": "v", "steps": ["number"]}]},
    }
    with pytest.raises(MappingError, match=r"values\.0\.at: no time for this signal"):
        parse_mapping(raw)


def test_a_column_both_mapped_and_ignored_is_refused() -> None:
    with pytest.raises(MappingError, match=r"ignore: name is mapped"):
        parse_mapping(_people() | {"ignore": ["name"]})


def test_a_headerless_file_must_account_for_every_column() -> None:
    raw = _people() | {"file": {"header": False, "columns": ["id", "name", "extra"]}}
    with pytest.raises(MappingError, match=r"extra is neither mapped nor ignored"):
        parse_mapping(raw)


def test_creating_managers_needs_references_by_name() -> None:
    raw = _people()
    raw["people"]["manager"] = {"column": "boss", "by": "external_id", "missing": "create"}
    with pytest.raises(MappingError, match=r"missing: 'create' needs managers referenced by name"):
        parse_mapping(raw)


def test_load_mapping_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match=r"mapping file not found"):
        load_mapping(tmp_path / "absent.yaml")


def test_load_mapping_reports_invalid_yaml(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("entity: [people\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"broken\.yaml is not valid YAML"):
        load_mapping(path)


def test_us_dates_without_zero_padding_parse() -> None:
    parse = _compiled([{"date": "%m/%d/%Y"}])
    assert parse("7/5/2011") == date(2011, 7, 5)
    assert parse("12/31/2019") == date(2019, 12, 31)


def test_an_impossible_date_is_refused_with_the_value_and_an_example() -> None:
    parse = _compiled([{"date": "%m/%d/%Y"}])
    with pytest.raises(
        StepError, match=r"'2/30/2015' is not a valid date \(expected e\.g\. 01/31/2024\)"
    ):
        parse("2/30/2015")


def test_several_date_formats_are_tried_in_order() -> None:
    parse = _compiled([{"date": ["iso", "%d.%m.%Y"]}])
    assert parse("2024-03-01") == date(2024, 3, 1)
    assert parse("01.03.2024") == date(2024, 3, 1)


def test_datetimes_without_a_zone_are_read_in_the_mapping_zone() -> None:
    parse = _compiled([{"datetime": "%Y-%m-%d %H:%M", "timezone": "Europe/London"}])
    assert parse("2024-07-01 09:30") == datetime(2024, 7, 1, 8, 30, tzinfo=UTC)


def test_an_enum_maps_text_and_refuses_other_values() -> None:
    parse = _compiled(["trim", {"enum": {"Exceeds": 4, "PIP": 1}}])
    assert parse(" Exceeds ") == 4
    with pytest.raises(StepError, match=r"'Great' is not one of 'Exceeds', 'PIP'"):
        parse("Great")


def test_an_enum_can_ignore_case() -> None:
    parse = _compiled([{"enum": {"Active": True}, "ignore_case": True}])
    assert parse("ACTIVE") is True


def test_yes_no_words_become_booleans() -> None:
    parse = _compiled(["boolean"])
    assert (parse("Yes"), parse("n"), parse("1")) == (True, False, True)
    with pytest.raises(StepError, match=r"'maybe' is not yes/no"):
        parse("maybe")


def test_case_steps_change_case() -> None:
    assert _compiled(["upper"])("abc") == "ABC"
    assert _compiled(["lower"])("ABC") == "abc"
    assert _compiled(["title"])("support team") == "Support Team"


def test_week_numbers_count_from_the_declared_anchor() -> None:
    parse = _compiled(["integer", {"weeks_from": "2024-01-01"}])
    assert parse("1") == date(2024, 1, 1)
    assert parse("52") == date(2024, 12, 23)
    with pytest.raises(StepError, match=r"week 0 comes before the first week"):
        parse("0")


def test_a_template_wraps_the_value() -> None:
    assert _compiled(["trim", "integer", {"template": "driver-{}"}])(" 10 ") == "driver-10"


def test_numbers_refuse_text_and_infinity() -> None:
    parse = _compiled(["number"])
    assert parse("4.6") == pytest.approx(4.6)
    with pytest.raises(StepError, match=r"'n/a' is not a number"):
        parse("n/a")
    with pytest.raises(StepError, match=r"not a finite number"):
        parse("inf")


@pytest.mark.parametrize(
    ("written", "order", "shown"),
    [
        ("Adinolfi, Wilson  K", "last_first", "Wilson K. Adinolfi"),
        ("Alagbe,Trina", "last_first", "Trina Alagbe"),
        ("Ait Sidi, Karthikeyan   ", "last_first", "Karthikeyan Ait Sidi"),
        ("LeBlanc, Brandon R", "last_first", "Brandon R. LeBlanc"),
        ("Brandon R. LeBlanc", "first_last", "Brandon R. LeBlanc"),
        ("  Michael   Albert ", "first_last", "Michael Albert"),
    ],
)
def test_names_are_shown_first_name_first(written: str, order: Any, shown: str) -> None:
    assert display_name(written, order) == shown


def test_a_last_first_name_without_a_comma_is_refused() -> None:
    with pytest.raises(ValueError, match=r"is not written 'Last, First'"):
        display_name("Trina Alagbe", "last_first")


def test_name_keys_ignore_case_stops_and_spacing() -> None:
    assert name_key("Brandon R. LeBlanc") == name_key(
        display_name("LeBlanc, Brandon R", "last_first")
    )
    assert loose_key(name_key("Wilson K. Adinolfi")) == loose_key(name_key("Wilson Adinolfi"))


def test_slugs_are_ascii_and_hyphenated() -> None:
    assert slug("Carla M. Pérez") == "carla-m-perez"
