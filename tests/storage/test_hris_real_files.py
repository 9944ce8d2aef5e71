"""The shipped mappings against the real public files in the shared data folder.

The files are read from the shared folder (and copied to a temporary folder only to corrupt
them); nothing from them is kept in the project.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from storage.hris import ImportRefusedError, load_mapping, run_import
from storage.tables import Signal

pytestmark = pytest.mark.shared_data

MAPPINGS = Path(__file__).resolve().parents[2] / "content" / "mappings"
HR_MAPPING = MAPPINGS / "hrdataset_v14.yaml"
TRUCK_MAPPING = MAPPINGS / "truck_timesheet.yaml"


@pytest.fixture
def hr_file(shared_data: Path) -> Path:
    return shared_data / "hr" / "HRDataset_v14.csv"


@pytest.fixture
def truck_file(shared_data: Path) -> Path:
    return shared_data / "timesheet" / "hortonworks_truck_timesheet.csv"


def _managers(engine: Engine) -> dict[str, str | None]:
    query = text(
        "SELECT e.name, m.name FROM employee AS e LEFT JOIN employee AS m ON m.id = e.manager_id"
    )
    with engine.connect() as connection:
        return {name: manager for name, manager in connection.execute(query)}


def _scalar(engine: Engine, sql: str) -> object:
    with engine.connect() as connection:
        return connection.execute(text(sql)).scalar_one()


def _values(engine: Engine, sql: str) -> set[object]:
    with engine.connect() as connection:
        return set(connection.execute(text(sql)).scalars())


def test_hrdataset_gives_315_people_and_20_with_reports(engine: Engine, hr_file: Path) -> None:
    report = run_import(engine, hr_file, load_mapping(HR_MAPPING))

    assert report.rows_read == 311
    assert report.people == 315
    assert report.employees.created == 315
    assert report.managers_created == 4
    assert report.people_with_reports == 20
    assert report.signals.created == 311 * 7
    assert report.sensitive.created == 311


def test_hrdataset_links_every_row_but_two_to_its_manager(engine: Engine, hr_file: Path) -> None:
    run_import(engine, hr_file, load_mapping(HR_MAPPING))

    with hr_file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    managers = _managers(engine)
    unlinked = [row for row in rows if managers[_display(row["Employee_Name"])] is None]
    assert [row["ManagerName"] for row in unlinked] == ["Board of Directors"] * 2
    for row in rows:
        if row["ManagerName"] != "Board of Directors":
            assert managers[_display(row["Employee_Name"])] == row["ManagerName"]
    for named_only in ("Michael Albert", "Webster Butler", "Alex Sweetwater", "David Stanley"):
        assert named_only in managers


def _display(written: str) -> str:
    last, first = written.split(",", 1)
    words = [*first.split(), *last.split()]
    return " ".join(f"{w}." if len(w) == 1 else w for w in words)


def test_hrdataset_keeps_leavers_inactive_and_reasons_sensitive(
    engine: Engine, hr_file: Path
) -> None:
    run_import(engine, hr_file, load_mapping(HR_MAPPING))

    inactive = _scalar(engine, "SELECT count(*) FROM employee WHERE NOT is_active")
    dated = _scalar(engine, "SELECT count(*) FROM employee WHERE termination_date IS NOT NULL")
    reasons = _scalar(
        engine, "SELECT count(*) FROM sensitiveattribute WHERE termination_reason IS NOT NULL"
    )
    kinds = _values(engine, "SELECT DISTINCT kind FROM signal")
    departments = _values(engine, "SELECT DISTINCT department FROM employee")
    assert inactive == dated == reasons == 104
    assert "termination_reason" not in kinds
    assert "Production" in departments
    assert all(name is None or name == str(name).strip() for name in departments)


def test_hrdataset_reimport_creates_and_updates_nothing(any_engine: Engine, hr_file: Path) -> None:
    mapping = load_mapping(HR_MAPPING)
    run_import(any_engine, hr_file, mapping)

    again = run_import(any_engine, hr_file, mapping)

    assert again.employees.as_dict() == {"created": 0, "updated": 0, "unchanged": 315}
    assert again.signals.as_dict() == {"created": 0, "updated": 0, "unchanged": 2177}
    assert again.sensitive.as_dict() == {"created": 0, "updated": 0, "unchanged": 311}
    assert again.people_with_reports == 20
    assert _scalar(any_engine, "SELECT count(*) FROM employee") == 315


def test_hrdataset_with_two_bad_lines_is_refused_naming_both(
    any_engine: Engine, hr_file: Path, tmp_path: Path
) -> None:
    rows = list(csv.reader(io.StringIO(hr_file.read_text(encoding="utf-8-sig"))))
    header = rows[0]
    rows[6][header.index("DateofHire")] = "2/30/2015"  # file line 7
    rows[10][header.index("Employee_Name")] = ""  # file line 11
    broken = tmp_path / "HRDataset_v14.csv"
    with broken.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)

    with pytest.raises(ImportRefusedError) as refused:
        run_import(any_engine, broken, load_mapping(HR_MAPPING))

    where = [(issue.line, issue.column) for issue in refused.value.issues]
    assert where == [(7, "DateofHire"), (11, "Employee_Name")]
    assert refused.value.report.rows_rejected == 2
    assert _scalar(any_engine, "SELECT count(*) FROM employee") == 0
    assert _scalar(any_engine, "SELECT count(*) FROM signal") == 0


def test_truck_timesheet_creates_drivers_and_weekly_signals(
    engine: Engine, truck_file: Path
) -> None:
    report = run_import(engine, truck_file, load_mapping(TRUCK_MAPPING))

    assert report.rows_read == 1768
    assert report.employees.created == 34
    assert report.signals.created == 1768 * 2
    names = _values(engine, "SELECT name FROM employee")
    with engine.connect() as connection:
        first, last = connection.execute(select(func.min(Signal.ts), func.max(Signal.ts))).one()
    assert {"Driver 10", "Driver 43"} <= names
    assert (first.date().isoformat(), last.date().isoformat()) == ("2024-01-01", "2024-12-23")


def test_truck_timesheet_reimport_changes_nothing(engine: Engine, truck_file: Path) -> None:
    mapping = load_mapping(TRUCK_MAPPING)
    run_import(engine, truck_file, mapping)

    again = run_import(engine, truck_file, mapping)

    assert again.employees.as_dict() == {"created": 0, "updated": 0, "unchanged": 34}
    assert again.signals.as_dict() == {"created": 0, "updated": 0, "unchanged": 3536}


def test_hrdataset_termination_reasons_are_encrypted_at_rest(
    engine: Engine, hr_file: Path
) -> None:
    run_import(engine, hr_file, load_mapping(HR_MAPPING))

    stored = _values(engine, "SELECT termination_reason FROM sensitiveattribute")
    with hr_file.open(encoding="utf-8-sig", newline="") as handle:
        reasons = {row["TermReason"] for row in csv.DictReader(handle)}
    assert len(stored) > 1
    assert not any(reason in str(value) for value in stored for reason in reasons - {""})
