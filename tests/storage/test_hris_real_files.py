"""The shipped mappings against the real public files in the shared data folder.

The files are read from the shared folder (and copied to a temporary folder only to corrupt
them); nothing from them is kept in the project.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import aliased

from storage.hris import ImportRefusedError, load_mapping, run_import
from storage.tables import Employee, SensitiveAttribute, Signal

pytestmark = pytest.mark.shared_data

MAPPINGS = Path(__file__).resolve().parents[2] / "content" / "mappings"
HR_MAPPING = MAPPINGS / "hrdataset_v14.yaml"
TRUCK_MAPPING = MAPPINGS / "hortonworks_truck_timesheet.yaml"


@pytest.fixture
def hr_file(shared_data: Path) -> Path:
    return shared_data / "hr" / "HRDataset_v14.csv"


@pytest.fixture
def truck_file(shared_data: Path) -> Path:
    return shared_data / "timesheet" / "hortonworks_truck_timesheet.csv"


def _managers(engine: Engine) -> dict[str, str | None]:
    boss = aliased(Employee)
    query = select(Employee.name, boss.name).outerjoin(boss, Employee.manager_id == boss.id)  # type: ignore[arg-type]
    with engine.connect() as connection:
        return {name: manager for name, manager in connection.execute(query)}


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


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

    with engine.connect() as connection:
        inactive = connection.execute(
            select(func.count()).where(Employee.is_active.is_(False))  # type: ignore[attr-defined]
        ).scalar_one()
        dated = connection.execute(
            select(func.count()).where(Employee.termination_date.is_not(None))  # type: ignore[union-attr]
        ).scalar_one()
        reasons = connection.execute(
            select(func.count()).where(SensitiveAttribute.termination_reason.is_not(None))  # type: ignore[union-attr]
        ).scalar_one()
        kinds = set(connection.execute(select(Signal.kind).distinct()).scalars())  # type: ignore[call-overload]
        departments = set(connection.execute(select(Employee.department).distinct()).scalars())  # type: ignore[call-overload]
    assert inactive == dated == reasons == 104
    assert "termination_reason" not in kinds
    assert "Production" in departments
    assert all(name is None or name == name.strip() for name in departments)


def test_hrdataset_reimport_creates_and_updates_nothing(any_engine: Engine, hr_file: Path) -> None:
    mapping = load_mapping(HR_MAPPING)
    run_import(any_engine, hr_file, mapping)

    again = run_import(any_engine, hr_file, mapping)

    assert again.employees.as_dict() == {"created": 0, "updated": 0, "unchanged": 315}
    assert again.signals.as_dict() == {"created": 0, "updated": 0, "unchanged": 2177}
    assert again.sensitive.as_dict() == {"created": 0, "updated": 0, "unchanged": 311}
    assert again.people_with_reports == 20
    assert _count(any_engine, Employee) == 315


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
    assert _count(any_engine, Employee) == 0
    assert _count(any_engine, Signal) == 0


def test_truck_timesheet_creates_drivers_and_weekly_signals(
    engine: Engine, truck_file: Path
) -> None:
    report = run_import(engine, truck_file, load_mapping(TRUCK_MAPPING))

    assert report.rows_read == 1768
    assert report.employees.created == 34
    assert report.signals.created == 1768 * 2
    with engine.connect() as connection:
        names = set(connection.execute(select(Employee.name)).scalars())  # type: ignore[call-overload]
        first, last = connection.execute(select(func.min(Signal.ts), func.max(Signal.ts))).one()
    assert {"Driver 10", "Driver 43"} <= names
    assert (first.date().isoformat(), last.date().isoformat()) == ("2024-01-01", "2024-12-23")


def test_truck_timesheet_reimport_changes_nothing(engine: Engine, truck_file: Path) -> None:
    mapping = load_mapping(TRUCK_MAPPING)
    run_import(engine, truck_file, mapping)

    again = run_import(engine, truck_file, mapping)

    assert again.employees.as_dict() == {"created": 0, "updated": 0, "unchanged": 34}
    assert again.signals.as_dict() == {"created": 0, "updated": 0, "unchanged": 3536}
