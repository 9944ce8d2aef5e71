"""Run one HRIS import: read, validate, transform and upsert a file in one transaction.

The file is read in one streaming pass. Every row is validated and every problem recorded;
the first problem stops all writing, the rest of the file is still checked, and the
transaction is rolled back, so the import is all or nothing. A dry run does every check and
every count, reading the database but writing nothing.

A people file is held in memory until its last row (a manager may come after their reports);
managers are resolved only once every row reads cleanly and no key repeats, since a rejected
row would make its reports' manager look missing. A signal file is written a chunk at a time
as it is read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine

from storage.hris.directory import EmployeeDirectory
from storage.hris.errors import ImportRefusedError, Issue, MappingError
from storage.hris.mapping import Mapping
from storage.hris.people import PeopleWriter
from storage.hris.plan import PersonRow, RowPlan
from storage.hris.readers import RowSource, detect_format, open_rows
from storage.hris.report import ImportReport
from storage.hris.signals import SignalWriter

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (lines read, lines in the file)
PROGRESS_EVERY = 2_048


def run_import(
    engine: Engine,
    path: Path,
    mapping: Mapping,
    *,
    mapping_name: str = "mapping",
    dry_run: bool = False,
    known_kinds: frozenset[str] | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import `path` as `mapping` says; raise `ImportRefusedError` listing every problem.

    `known_kinds` (the data policy's signal kinds) refuses signals of any other kind.
    """
    _check_kinds(mapping, known_kinds)
    report = ImportReport(
        file=str(path), mapping=mapping_name, entity=mapping.entity, dry_run=dry_run
    )
    source = _open_source(path, mapping, report)
    plan = RowPlan(mapping, source.columns, known_kinds)

    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            _import_rows(connection, source, plan, mapping, report, progress)
        except BaseException:
            transaction.rollback()
            raise
        if report.issues or dry_run:
            transaction.rollback()
        else:
            transaction.commit()
            report.committed = True
    if report.issues:
        _refuse(report)
    logger.info(
        "Import finished (entity=%s, rows=%d, dry_run=%s)",
        mapping.entity,
        report.rows_read,
        dry_run,
    )
    return report


def _open_source(path: Path, mapping: Mapping, report: ImportReport) -> RowSource:
    """The file's rows, once its encoding and header are known to be usable."""
    known_columns = sorted(mapping.mapped_columns() | set(mapping.ignore))
    source = open_rows(path, mapping.file, known_columns, report.issues)
    if detect_format(path, mapping.file) == "csv" and mapping.file.header:
        report.first_data_line = 2
        _check_header(mapping, source.columns, report.issues)
    if report.issues:
        _refuse(report)
    return source


def _import_rows(
    connection: Connection,
    source: RowSource,
    plan: RowPlan,
    mapping: Mapping,
    report: ImportReport,
    progress: Progress | None,
) -> None:
    if mapping.entity == "people":
        _import_people(connection, source, plan, mapping, report, progress)
    else:
        _import_signals(connection, source, plan, mapping, report, progress)
    if report.rows_read == 0 and not report.issues:
        report.issues.append(Issue(None, None, "the file holds no rows"))


def _check_kinds(mapping: Mapping, known_kinds: frozenset[str] | None) -> None:
    if known_kinds is None:
        return
    for index, kind in enumerate(mapping.constant_kinds()):
        if kind not in known_kinds:
            raise MappingError(
                f"signals.values.{index}.kind: {kind!r} is not a signal kind in the data policy"
            )


def _check_header(mapping: Mapping, columns: list[str], issues: list[Issue]) -> None:
    if not columns:
        return
    present = set(columns)
    for name in sorted(mapping.mapped_columns() - present):
        issues.append(Issue(1, name, "is named in the mapping but missing from the file"))
    accounted = mapping.mapped_columns() | set(mapping.ignore)
    for name in columns:
        if name and name not in accounted:
            issues.append(Issue(1, name, "is neither mapped nor ignored (map it or ignore it)"))


def _refuse(report: ImportReport) -> None:
    report.issues.sort(key=lambda issue: issue.line or 0)
    raise ImportRefusedError(report)


def _tick(progress: Progress | None, line: int, total: int) -> None:
    if progress is not None:
        progress(min(line, total), total)


def _import_people(
    connection: Connection,
    source: RowSource,
    plan: RowPlan,
    mapping: Mapping,
    report: ImportReport,
    progress: Progress | None,
) -> None:
    issues = report.issues
    rows: list[PersonRow] = []
    for line, cells in source:
        report.rows_read += 1
        row = plan.person(line, cells, issues)
        if row is not None:
            rows.append(row)
        if report.rows_read % PROGRESS_EVERY == 0:
            _tick(progress, line, source.total_lines)
    _tick(progress, source.total_lines, source.total_lines)

    people = PeopleWriter(connection, mapping, dry_run=report.dry_run, report=report)
    people.check_keys(rows, issues)
    if issues:
        return  # managers are resolved once every row reads cleanly, or rejected rows mislead
    links = people.link_managers(rows, issues)
    if issues:
        return
    ids = people.write(rows, links)
    people.write_sensitive(rows, ids)
    signals = SignalWriter(
        connection, source=mapping.source, dry_run=report.dry_run, counts=report.signals
    )
    for row in rows:
        signals.add(row.line, ids[row.external_id], row.signals, issues)
    signals.flush()


def _import_signals(
    connection: Connection,
    source: RowSource,
    plan: RowPlan,
    mapping: Mapping,
    report: ImportReport,
    progress: Progress | None,
) -> None:
    assert mapping.employee is not None  # a signal mapping always has one
    issues, column = report.issues, mapping.employee.column
    dry_run = report.dry_run
    people = EmployeeDirectory(
        connection, source=mapping.source, dry_run=dry_run, counts=report.employees
    )
    signals = SignalWriter(
        connection, source=mapping.source, dry_run=dry_run, counts=report.signals
    )
    writing, every, total, read = True, PROGRESS_EVERY, source.total_lines, 0
    for line, cells in source:
        read += 1
        row = plan.signal_row(line, cells, issues)
        if row is not None:
            employee_id = people.id_for(row.employee, row.new_name, line=line, column=column)
            if isinstance(employee_id, Issue):
                issues.append(employee_id)
            else:
                signals.add(line, employee_id, row.signals, issues)
        if writing and issues:
            writing = False
            signals.stop()
        if read % every == 0:
            _tick(progress, line, total)
    report.rows_read = read
    _tick(progress, total, total)
    signals.flush()
