"""HRIS imports of small invented files: people, managers, signals, formats, re-imports."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from storage.hris import (
    ImportRefusedError,
    ImportReport,
    MappingError,
    load_mapping,
    parse_mapping,
    run_import,
)
from storage.tables import Employee, SensitiveAttribute, Signal

DATA = Path(__file__).resolve().parents[1] / "data" / "hris"


def _import(engine: Engine, name: str, mapping: str = "org.yaml", **options: Any) -> ImportReport:
    return run_import(engine, DATA / name, load_mapping(DATA / mapping), **options)


def _people(engine: Engine) -> dict[str, dict[str, Any]]:
    table = Employee.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        rows = [dict(r._mapping) for r in connection.execute(select(table))]
    by_id = {row["id"]: row for row in rows}
    for row in rows:
        boss = by_id.get(row["manager_id"])
        row["manager"] = boss["external_id"] if boss else None
    return {row["external_id"]: row for row in rows}


def _signals(engine: Engine) -> list[tuple[str, str, datetime, float, str, str]]:
    table, people = Signal.__table__, Employee.__table__  # type: ignore[attr-defined]
    query = select(
        people.c.external_id, table.c.kind, table.c.ts, table.c.value, table.c.unit, table.c.source
    ).join(people, people.c.id == table.c.employee_id)
    with engine.connect() as connection:
        return sorted((a, b, c, d, e, f) for a, b, c, d, e, f in connection.execute(query))


def _snapshot(engine: Engine) -> tuple[Any, ...]:
    fields = (
        "name",
        "title",
        "department",
        "hire_date",
        "termination_date",
        "is_active",
        "manager",
    )
    people = {key: tuple(row[f] for f in fields) for key, row in _people(engine).items()}
    return people, _signals(engine)


def test_people_are_stored_first_name_first_with_their_fields(engine: Engine) -> None:
    report = _import(engine, "org.csv")

    people = _people(engine)
    assert report.committed
    assert people["org-e3"]["name"] == "Carla M. Pérez"
    assert people["org-e2"]["name"] == "Bo Lind"
    assert people["org-e2"]["department"] == "Engineering"
    assert people["org-e1"]["hire_date"] == date(2015, 3, 1)
    assert people["org-e1"]["source"] == "hris:test-org"


def test_managers_are_linked_by_name_across_name_orders(engine: Engine) -> None:
    _import(engine, "org.csv")

    people = _people(engine)
    assert people["org-e2"]["manager"] == "org-e1"
    assert people["org-e3"]["manager"] == "org-e2"
    assert people["org-e4"]["manager"] == "org-e3"  # "Carla M. Pérez" is "Pérez, Carla M"


def test_a_no_manager_value_leaves_the_person_without_a_manager(engine: Engine) -> None:
    _import(engine, "org.csv")

    assert _people(engine)["org-e1"]["manager"] is None


def test_a_manager_named_without_a_row_is_created_as_a_person(engine: Engine) -> None:
    report = _import(engine, "org.csv")

    people = _people(engine)
    assert people["org-e5"]["manager"] == "org-manager-fay-rowe"
    assert people["org-manager-fay-rowe"]["name"] == "Fay Rowe"
    assert report.managers_created == 1
    assert report.employees.created == 6
    assert report.people == 6
    assert report.people_with_reports == 4


def test_terminated_people_are_kept_inactive_with_their_date(engine: Engine) -> None:
    _import(engine, "org.csv")

    leaver = _people(engine)["org-e4"]
    assert leaver["is_active"] is False
    assert leaver["termination_date"] == date(2023, 8, 31)
    assert _people(engine)["org-e3"]["is_active"] is True


def test_sensitive_attributes_go_to_their_own_table(engine: Engine) -> None:
    report = _import(engine, "org.csv")

    table = SensitiveAttribute.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        sexes = sorted(row.sex for row in connection.execute(select(table)))
    assert sexes == ["F", "F", "F", "M", "M"]
    assert report.sensitive.created == 5


def test_signals_are_dated_at_utc_midnight_and_an_empty_value_gives_none(engine: Engine) -> None:
    report = _import(engine, "org.csv")

    signals = _signals(engine)
    assert report.signals.created == 4  # Eve's pulse cell is empty
    assert ("org-e1", "pulse_score", datetime(2024, 6, 28, tzinfo=UTC), 4.5, "score") in [
        row[:5] for row in signals
    ]
    assert {row[5] for row in signals} == {"hris:test-org"}


def test_reimporting_the_same_file_creates_and_updates_nothing(engine: Engine) -> None:
    _import(engine, "org.csv")
    before = _snapshot(engine)

    again = _import(engine, "org.csv")

    assert again.employees.as_dict() == {"created": 0, "updated": 0, "unchanged": 6}
    assert again.signals.as_dict() == {"created": 0, "updated": 0, "unchanged": 4}
    assert again.sensitive.as_dict() == {"created": 0, "updated": 0, "unchanged": 5}
    assert _snapshot(engine) == before


def test_a_changed_row_is_counted_and_written_as_an_update(engine: Engine, tmp_path: Path) -> None:
    _import(engine, "org.csv")
    text = (DATA / "org.csv").read_text(encoding="utf-8-sig")
    changed = tmp_path / "org.csv"
    changed.write_text(
        text.replace("Support Specialist", "Senior Support Specialist").replace(",4.1,", ",3.2,"),
        encoding="utf-8",
    )

    report = run_import(engine, changed, load_mapping(DATA / "org.yaml"))

    assert report.employees.updated == 1
    assert report.signals.updated == 1
    assert _people(engine)["org-e5"]["title"] == "Senior Support Specialist"
    assert ("org-e2", "pulse_score") in [
        (row[0], row[1]) for row in _signals(engine) if row[3] == 3.2
    ]


def test_fields_the_mapping_does_not_map_survive_a_reimport(engine: Engine) -> None:
    _import(engine, "org.csv")
    table = Employee.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(
            update(table).where(table.c.external_id == "org-e1").values(email="ada@example.org")
        )

    report = _import(engine, "org.csv")

    assert report.employees.updated == 0
    assert _people(engine)["org-e1"]["email"] == "ada@example.org"


def test_a_dry_run_counts_what_would_change_but_writes_nothing(engine: Engine) -> None:
    report = _import(engine, "org.csv", dry_run=True)

    assert not report.committed
    assert report.employees.created == 6
    assert report.signals.created == 4
    assert report.people_with_reports == 4
    assert _people(engine) == {}


@pytest.mark.parametrize("name", ["org.json", "org.jsonl"])
def test_json_and_json_lines_import_like_the_csv(engine: Engine, name: str) -> None:
    report = _import(engine, name)
    from_json = _snapshot(engine)

    again = _import(engine, "org.csv")

    assert report.employees.created == 6
    assert again.employees.created == again.employees.updated == 0
    assert again.signals.created == again.signals.updated == 0
    assert _snapshot(engine) == from_json


def test_a_signal_file_attaches_signals_to_existing_people(engine: Engine) -> None:
    _import(engine, "org.csv")

    report = _import(engine, "signals.csv", "signals.yaml")

    assert report.signals.created == 4
    assert report.employees.as_dict() == {"created": 0, "updated": 0, "unchanged": 2}
    hours = [row for row in _signals(engine) if row[1] == "timesheet_hours"]
    assert [(row[0], row[2].date(), row[3]) for row in hours] == [
        ("org-e2", date(2024, 6, 3), 41.5),
        ("org-e2", date(2024, 6, 10), 39.0),
    ]


def test_a_signal_file_naming_unknown_people_is_refused(engine: Engine) -> None:
    with pytest.raises(ImportRefusedError) as refused:
        _import(engine, "signals.csv", "signals.yaml")

    lines = [(issue.line, issue.column) for issue in refused.value.issues]
    assert lines == [(2, "employee"), (3, "employee"), (4, "employee"), (5, "employee")]
    assert "no person with external id 'org-e2'" in refused.value.issues[0].reason
    assert _signals(engine) == []


def test_signal_kinds_outside_the_data_policy_are_refused(engine: Engine) -> None:
    _import(engine, "org.csv")
    kinds = frozenset({"timesheet_hours"})

    with pytest.raises(ImportRefusedError) as refused:
        _import(engine, "signals.csv", "signals.yaml", known_kinds=kinds)

    assert [issue.line for issue in refused.value.issues] == [4, 5]
    assert "'late_days' is not a signal kind" in refused.value.issues[0].reason


def test_a_constant_kind_outside_the_data_policy_refuses_the_mapping(engine: Engine) -> None:
    with pytest.raises(MappingError, match=r"'pulse_score' is not a signal kind"):
        _import(engine, "org.csv", known_kinds=frozenset({"timesheet_hours"}))


WEEKS_MAPPING: dict[str, Any] = {
    "entity": "signals",
    "source": "test:weeks",
    "file": {"header": False, "columns": ["driver", "week", "hours", "miles"]},
    "employee": {
        "column": "driver",
        "steps": ["integer", {"template": "d-{}"}],
        "missing": "create",
        "name": "Driver {}",
    },
    "signals": {
        "at": {"column": "week", "steps": ["integer", {"weeks_from": "2024-01-01"}]},
        "values": [
            {"kind": "timesheet_hours", "unit": "hours", "column": "hours", "steps": ["number"]}
        ],
    },
    "ignore": ["miles"],
}


def _weeks_file(tmp_path: Path) -> Path:
    path = tmp_path / "weeks.csv"
    path.write_text("7,1,40,900\n7,2,38.5,850\n\n8,1,0,0\n", encoding="utf-8")
    return path


def test_a_headerless_csv_reads_columns_from_the_mapping(engine: Engine, tmp_path: Path) -> None:
    report = run_import(engine, _weeks_file(tmp_path), parse_mapping(WEEKS_MAPPING))

    assert report.rows_read == 3
    assert report.employees.created == 2
    assert _people(engine)["d-7"]["name"] == "Driver 7"
    assert [(row[0], row[2].date()) for row in _signals(engine)] == [
        ("d-7", date(2024, 1, 1)),
        ("d-7", date(2024, 1, 8)),
        ("d-8", date(2024, 1, 1)),
    ]


def test_a_dry_run_of_a_signal_file_counts_people_it_would_create(
    engine: Engine, tmp_path: Path
) -> None:
    report = run_import(engine, _weeks_file(tmp_path), parse_mapping(WEEKS_MAPPING), dry_run=True)

    assert report.employees.created == 2
    assert report.signals.created == 3
    assert _people(engine) == {}
    assert _signals(engine) == []


def test_managers_can_be_referenced_by_external_id(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text('id,name,boss\n2,"Two, Person",1\n1,"One, Person",\n', encoding="utf-8")
    mapping = parse_mapping(
        {
            "entity": "people",
            "source": "test:ids",
            "people": {
                "fields": {
                    "external_id": {"column": "id", "steps": [{"template": "p-{}"}]},
                    "name": {"column": "name", "steps": [{"name": "last_first"}]},
                },
                "manager": {
                    "column": "boss",
                    "by": "external_id",
                    "steps": [{"template": "p-{}"}],
                },
            },
        }
    )

    run_import(engine, path, mapping)

    assert _people(engine)["p-2"]["manager"] == "p-1"
    assert _people(engine)["p-1"]["manager"] is None


def test_progress_reaches_the_last_line(engine: Engine) -> None:
    calls: list[tuple[int, int]] = []

    _import(engine, "org.csv", progress=lambda done, total: calls.append((done, total)))

    assert calls[-1] == (6, 6)


def test_hr_admins_can_be_marked_in_imported_data(engine: Engine, tmp_path: Path) -> None:
    from storage.hris import parse_mapping

    source = tmp_path / "people.csv"
    source.write_text("Id,Name,HR\n1,Ana Diaz,yes\n2,Ben Ode,no\n", encoding="utf-8")
    mapping = parse_mapping(
        {
            "entity": "people",
            "source": "hris:test-hr",
            "people": {
                "key": "external_id",
                "fields": {
                    "external_id": {"column": "Id", "steps": ["trim"]},
                    "name": {"column": "Name", "steps": ["trim"]},
                    "is_hr_admin": {
                        "column": "HR",
                        "steps": ["trim", {"enum": {"yes": True, "no": False}}],
                    },
                },
            },
        }
    )

    run_import(engine, source, mapping)

    people = _people(engine)
    assert people["1"]["is_hr_admin"] is True
    assert people["2"]["is_hr_admin"] is False
