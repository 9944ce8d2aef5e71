"""`tandem import` through the CLI: exit statuses, JSON output, refusals without a trace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner, Result

from bot.cli.main import app

DATA = Path(__file__).resolve().parents[1] / "data" / "hris"
runner = CliRunner()


@pytest.fixture
def database(engine: Engine) -> Engine:
    """The migrated test database the CLI opens through the settings fixture."""
    return engine


def _run(*args: str | Path) -> Result:
    return runner.invoke(app, ["import", *(str(arg) for arg in args)])


def _flat(result: Result) -> str:
    return " ".join((result.stdout + result.stderr).split())


def _people(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM employee")).scalar_one())


def test_json_output_parses_and_counts_each_entity(database: Engine) -> None:
    result = _run(DATA / "org.csv", "--mapping", DATA / "org.yaml", "--json")

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["committed"] is True
    assert report["people"] == 6
    assert report["employees"] == {"created": 6, "updated": 0, "unchanged": 0}
    assert report["signals"] == {"created": 4, "updated": 0, "unchanged": 0}
    assert report["sensitive"]["created"] == 5
    assert report["people_with_reports"] == 4
    assert report["rows"] == {"read": 5, "rejected": 0}
    assert _people(database) == 6


def test_a_second_run_reports_everything_unchanged(database: Engine) -> None:
    _run(DATA / "org.csv", "--mapping", DATA / "org.yaml")

    result = _run(DATA / "org.csv", "--mapping", DATA / "org.yaml", "--json")

    report = json.loads(result.stdout)
    assert report["employees"] == {"created": 0, "updated": 0, "unchanged": 6}
    assert report["signals"] == {"created": 0, "updated": 0, "unchanged": 4}


def test_the_text_summary_names_the_counts(database: Engine) -> None:
    result = _run(DATA / "org.csv", "--mapping", DATA / "org.yaml")

    assert result.exit_code == 0
    assert "Imported 5 rows of org.csv." in result.stdout
    assert "Managers named without a row, created as people: 1" in result.stdout
    assert "People with reports: 4" in result.stdout


def test_a_dry_run_prints_counts_and_writes_nothing(database: Engine) -> None:
    result = _run(DATA / "org.csv", "--mapping", DATA / "org.yaml", "--dry-run", "--json")

    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["dry_run"] is True
    assert report["committed"] is False
    assert report["employees"]["created"] == 6
    assert _people(database) == 0


def test_a_refused_file_exits_1_naming_every_line(database: Engine, tmp_path: Path) -> None:
    text = (DATA / "org.csv").read_text(encoding="utf-8-sig")
    broken = tmp_path / "org.csv"
    broken.write_text(text.replace("1/9/2019", "2/30/2019").replace("Nakamura", ""), "utf-8")

    result = _run(broken, "--mapping", DATA / "org.yaml")

    assert result.exit_code == 1
    assert "error: line 4, column Start: '2/30/2019' is not a valid date" in result.stderr
    assert "error: line 5, column Name:" in result.stderr
    assert "Import refused: 2 problem(s) in 2 row(s) of 5; nothing was written." in _flat(result)
    assert "Traceback" not in result.stdout + result.stderr
    assert _people(database) == 0


def test_a_refused_file_with_json_lists_the_issues_on_stdout(
    database: Engine, tmp_path: Path
) -> None:
    broken = tmp_path / "org.csv"
    broken.write_bytes(b"")

    result = _run(broken, "--mapping", DATA / "org.yaml", "--json")

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["issues"] == [{"line": None, "column": None, "reason": "the file is empty"}]
    assert report["committed"] is False


def test_a_bad_mapping_exits_2_with_one_clear_line(database: Engine, tmp_path: Path) -> None:
    mapping = tmp_path / "bad.yaml"
    mapping.write_text("entity: people\nsource: x\nbogus: 1\n", encoding="utf-8")

    result = _run(DATA / "org.csv", "--mapping", mapping)

    assert result.exit_code == 2
    assert "bad.yaml:" in result.stderr
    assert "bogus: unknown key" in _flat(result)
    assert "Traceback" not in result.stdout + result.stderr


def test_a_missing_data_file_exits_2(database: Engine, tmp_path: Path) -> None:
    result = _run(tmp_path / "absent.csv", "--mapping", DATA / "org.yaml")

    assert result.exit_code == 2
    assert "file not found" in _flat(result)


def test_signal_kinds_come_from_the_data_policy(database: Engine, tmp_path: Path) -> None:
    _run(DATA / "org.csv", "--mapping", DATA / "org.yaml")
    signals = tmp_path / "signals.csv"
    signals.write_text("employee,kind,date,value,unit\norg-e2,mood,2024-06-03,3,score\n", "utf-8")

    result = _run(signals, "--mapping", DATA / "signals.yaml")

    assert result.exit_code == 1
    assert "'mood' is not a signal kind in the data policy" in _flat(result)
    with database.connect() as connection:
        kinds = set(connection.execute(text("SELECT kind FROM signal")).scalars())
    assert kinds == {"pulse_score"}


@pytest.mark.shared_data
def test_the_hrdataset_acceptance_run_through_the_cli(database: Engine, shared_data: Path) -> None:
    hr_file = shared_data / "hr" / "HRDataset_v14.csv"
    mapping = Path(__file__).resolve().parents[2] / "content/mappings/hrdataset_v14.yaml"

    first = json.loads(_run(hr_file, "--mapping", mapping, "--json").stdout)
    second = json.loads(_run(hr_file, "--mapping", mapping, "--json").stdout)

    assert first["people"] == 315
    assert first["people_with_reports"] == 20
    assert second["employees"]["created"] == second["employees"]["updated"] == 0
    assert second["signals"]["created"] == second["signals"]["updated"] == 0
