"""Every way an HRIS file is refused: each problem named by line and column, nothing written."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from storage.hris import (
    ImportRefusedError,
    InputFileError,
    Issue,
    load_mapping,
    parse_mapping,
    run_import,
)
from storage.hris import signals as signal_writer

DATA = Path(__file__).resolve().parents[1] / "data" / "hris"
ORG = (DATA / "org.csv").read_text(encoding="utf-8-sig")


def _counts(engine: Engine) -> tuple[int, ...]:
    """Rows in the employee, signal and sensitive attribute tables."""
    tables = ("employee", "signal", "sensitiveattribute")
    with engine.connect() as connection:
        return tuple(
            int(connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one())
            for name in tables
        )


def _values(engine: Engine, sql: str) -> set[object]:
    with engine.connect() as connection:
        return set(connection.execute(text(sql)).scalars())


def _refused(engine: Engine, path: Path, mapping: str = "org.yaml") -> list[Issue]:
    with pytest.raises(ImportRefusedError) as refused:
        run_import(engine, path, load_mapping(DATA / mapping))
    assert not refused.value.report.committed
    return refused.value.issues


def _org_file(tmp_path: Path, text: str, name: str = "org.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _where(issues: list[Issue]) -> list[tuple[int | None, str | None]]:
    return [(issue.line, issue.column) for issue in issues]


def test_a_missing_column_is_named_and_nothing_is_written(engine: Engine, tmp_path: Path) -> None:
    text = ORG.replace(",Title,", ",Role,")

    issues = _refused(engine, _org_file(tmp_path, text))

    assert _where(issues) == [(1, "Title"), (1, "Role")]
    assert "missing from the file" in issues[0].reason
    assert "neither mapped nor ignored" in issues[1].reason
    assert _counts(engine) == (0, 0, 0)


def test_an_impossible_date_is_refused_by_line_and_column(engine: Engine, tmp_path: Path) -> None:
    text = ORG.replace("1/9/2019", "2/30/2019")

    issues = _refused(engine, _org_file(tmp_path, text))

    assert _where(issues) == [(4, "Start")]
    assert "'2/30/2019' is not a valid date" in issues[0].reason
    assert _counts(engine) == (0, 0, 0)


def test_an_empty_required_field_is_refused(engine: Engine, tmp_path: Path) -> None:
    text = ORG.replace('"Lind,Bo  "', '"   "')

    issues = _refused(engine, _org_file(tmp_path, text))

    assert _where(issues) == [(3, "Name")]
    assert "is empty, but a value is required" in issues[0].reason
    assert _counts(engine) == (0, 0, 0)


def test_a_duplicate_key_names_both_lines(engine: Engine, tmp_path: Path) -> None:
    text = ORG.replace(",E5,", ",E2,")

    issues = _refused(engine, _org_file(tmp_path, text))

    assert _where(issues) == [(6, "EmployeeNo")]
    assert "duplicate key external_id 'org-e2' (first on line 3)" in issues[0].reason
    assert _counts(engine) == (0, 0, 0)


def test_every_bad_row_and_every_bad_cell_is_reported(engine: Engine, tmp_path: Path) -> None:
    text = (
        ORG.replace("3/1/2015", "13/1/2015")
        .replace(",Left,M,2.5,", ",Gone,M,lots,")
        .replace('"Quinn, Eve"', '"Quinn Eve"')
    )

    issues = _refused(engine, _org_file(tmp_path, text))

    assert _where(issues) == [(2, "Start"), (5, "Status"), (5, "Pulse"), (6, "Name")]
    assert "'Gone' is not one of 'Active', 'Left'" in issues[1].reason
    assert "is not written 'Last, First'" in issues[3].reason


@pytest.mark.parametrize("content", [b"", codecs.BOM_UTF8, b"\n\n  \n"])
def test_an_empty_file_is_refused(engine: Engine, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "org.csv"
    path.write_bytes(content)

    issues = _refused(engine, path)

    assert [str(issue) for issue in issues] == ["file: the file is empty"]
    assert _counts(engine) == (0, 0, 0)


def test_a_header_without_rows_is_refused(engine: Engine, tmp_path: Path) -> None:
    issues = _refused(engine, _org_file(tmp_path, ORG.splitlines()[0] + "\n"))

    assert [str(issue) for issue in issues] == ["file: the file holds no rows"]


def test_a_utf16_file_is_refused_with_a_clear_reason(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "org.csv"
    path.write_bytes(ORG.encode("utf-16"))

    issues = _refused(engine, path)

    assert len(issues) == 1
    assert "UTF-16" in issues[0].reason
    assert "save it as UTF-8" in issues[0].reason
    assert _counts(engine) == (0, 0, 0)


def test_latin1_bytes_are_refused_on_their_line(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "org.csv"
    path.write_bytes(ORG.encode("latin-1"))  # "Pérez" is one byte 0xe9 here

    issues = _refused(engine, path)

    assert _where(issues) == [(4, None), (5, None)]
    assert "byte 0xe9" in issues[0].reason
    assert "not utf-8 text" in issues[0].reason
    assert _counts(engine) == (0, 0, 0)


def test_a_latin1_file_imports_when_the_mapping_declares_it(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "org.csv"
    path.write_bytes(ORG.encode("latin-1"))
    raw = load_mapping(DATA / "org.yaml").model_dump(exclude_unset=True)
    raw["file"] = {"encoding": "latin-1"}

    report = run_import(engine, path, parse_mapping(raw))

    assert report.employees.created == 6
    names = _values(engine, "SELECT name FROM employee")
    assert "Carla M. Pérez" in names


def test_a_cell_starting_with_equals_is_stored_as_text(engine: Engine, tmp_path: Path) -> None:
    text = ORG.replace("Support Specialist", '"=HYPERLINK(""http://x.example"",""y"")"')
    text = text.replace("Engineering Manager", "=1+2")

    run_import(engine, _org_file(tmp_path, text), load_mapping(DATA / "org.yaml"))

    titles = _values(engine, "SELECT title FROM employee")
    assert {'=HYPERLINK("http://x.example","y")', "=1+2"} <= titles


def test_a_row_of_the_wrong_width_is_refused(engine: Engine, tmp_path: Path) -> None:
    text = ORG.replace("Support Specialist,", "Support Specialist,extra,")

    issues = _refused(engine, _org_file(tmp_path, text))

    assert _where(issues) == [(6, None)]
    assert "has 13 cells, expected 12" in issues[0].reason


def test_an_ambiguous_manager_name_is_refused(engine: Engine, tmp_path: Path) -> None:
    text = ORG + '"Lind, Bo",E6,Ada Okoro,Support,Support Lead,1/1/2022,,Active,M,4,6/28/2024,\n'

    issues = _refused(engine, _org_file(tmp_path, text))

    assert _where(issues) == [(4, "Manager")]
    assert "'Bo Lind' matches several people: org-e2, org-e6" in issues[0].reason


def test_a_manager_loop_is_refused(engine: Engine, tmp_path: Path) -> None:
    text = ORG.replace("Chief Executive,Executive", "Eve Quinn,Executive").replace(
        "Fay Rowe", "Dai Nakamura"
    )

    issues = _refused(engine, _org_file(tmp_path, text))

    assert len(issues) == 1
    assert "the chain of managers loops" in issues[0].reason


def test_a_json_syntax_error_is_reported_on_its_line(engine: Engine, tmp_path: Path) -> None:
    text = (DATA / "org.json").read_text(encoding="utf-8").replace('"E3",', '"E3"', 1)

    issues = _refused(engine, _org_file(tmp_path, text, "org.json"))

    assert _where(issues) == [(8, None)]
    assert issues[0].reason.startswith("not valid JSON")


def test_a_json_key_neither_mapped_nor_ignored_is_refused(engine: Engine, tmp_path: Path) -> None:
    text = (DATA / "org.jsonl").read_text(encoding="utf-8").replace('"Dept"', '"Team"')

    issues = _refused(engine, _org_file(tmp_path, text, "org.jsonl"))

    assert ("Team", "column is neither mapped nor ignored") in [
        (i.column, i.reason) for i in issues
    ]
    assert _counts(engine) == (0, 0, 0)


def test_a_missing_file_is_an_input_error(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"file not found"):
        run_import(engine, tmp_path / "absent.csv", load_mapping(DATA / "org.yaml"))


def test_a_refused_reimport_leaves_earlier_data_as_it_was(engine: Engine, tmp_path: Path) -> None:
    run_import(engine, DATA / "org.csv", load_mapping(DATA / "org.yaml"))
    before = _counts(engine)
    text = ORG.replace("Software Engineer", "Staff Engineer").replace("6/30/2023", "6/31/2023")

    _refused(engine, _org_file(tmp_path, text))

    assert _counts(engine) == before
    titles = _values(engine, "SELECT title FROM employee")
    assert "Staff Engineer" not in titles


def test_a_late_problem_rolls_back_rows_already_written(
    any_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(signal_writer, "CHUNK_ROWS", 2)  # write early, before the bad row
    path = tmp_path / "weeks.csv"
    rows = [f"{driver},{week},40,900" for driver in (1, 2, 3) for week in (1, 2, 3)]
    path.write_text("\n".join([*rows, "4,1,forty,900"]) + "\n", encoding="utf-8")
    mapping = load_mapping(
        Path(__file__).resolve().parents[2] / "content/mappings/truck_timesheet.yaml"
    )

    with pytest.raises(ImportRefusedError) as refused:
        run_import(any_engine, path, mapping)

    assert _where(refused.value.issues) == [(10, "hours_logged")]
    assert _counts(any_engine) == (0, 0, 0)
