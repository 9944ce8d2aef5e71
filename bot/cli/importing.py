"""`tandem import FILE --mapping MAPPING.yaml`: bring an HRIS export into the database.

Exit status: 0 imported (or, with --dry-run, would import); 1 refused because of problems in
the file, each printed as "line N, column C: reason" and nothing written; 2 the mapping, the
file or the database cannot be used. With --json the report (counts, or every problem) goes
to stdout as JSON; the progress bar and error lines go to stderr.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from bot.cli.errors import err_console, fail, reported
from bot.runtime import configure_logging, open_runtime

if TYPE_CHECKING:
    from storage.data_policy import DataPolicy
    from storage.hris import ImportReport

console = Console(highlight=False)

MAX_SHOWN = 50  # problems printed in text mode; --json lists every one
PROGRESS_FROM_BYTES = 1 << 20  # files smaller than this import before a bar would show
REFUSED = 1


def import_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="The export: CSV (with or without a header), JSON (an array) or JSON Lines."
        ),
    ],
    mapping: Annotated[
        Path,
        typer.Option("--mapping", "-m", help="The mapping YAML (examples in content/mappings/)."),
    ],
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Check every row and count what would change; write nothing."
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON on stdout.")
    ] = False,
) -> None:
    """Import people or signals from an HRIS export, as the mapping describes.

    All or nothing: a file with any bad row is refused, every problem is listed by file line
    and column, and the database is left as it was. Importing the same file again changes
    nothing.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from storage.hris import HrisError, ImportRefusedError, load_mapping, run_import

    configure_logging()
    with reported(HrisError):
        loaded = load_mapping(mapping)
        runtime = open_runtime()
        engine = runtime.engine
        kinds = signal_kinds(runtime.settings.data_policy)
        try:
            with _progress(file) as bar:
                report = run_import(
                    engine,
                    file,
                    loaded,
                    mapping_name=mapping.name,
                    dry_run=dry_run,
                    known_kinds=kinds,
                    progress=bar,
                )
        except ImportRefusedError as refused:
            _print_refusal(refused.report, as_json=as_json)
            raise typer.Exit(REFUSED) from None
        except SQLAlchemyError as exc:
            fail(f"the database refused the import: {getattr(exc, 'orig', None) or exc}", code=2)

    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        _print_summary(report)


def signal_kinds(policy: DataPolicy) -> frozenset[str] | None:
    """The signal kinds the data policy names; None when a `signal.*` rule admits any kind."""
    if "signal.*" in policy.fields:
        return None
    return frozenset(
        name.removeprefix("signal.") for name in policy.fields if name.startswith("signal.")
    )


class _Bar:
    """A Rich progress bar on stderr, fed with (lines read, lines in the file)."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self._task = progress.add_task("Importing", total=None) if progress else None

    def __call__(self, done: int, total: int) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=done, total=total)

    def __enter__(self) -> _Bar:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


def _progress(file: Path) -> _Bar:
    try:
        large = file.stat().st_size >= PROGRESS_FROM_BYTES
    except OSError:
        large = False  # the importer reports a missing file
    if not large or not err_console.is_terminal:
        return _Bar(None)
    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("lines"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )
    return _Bar(progress)


def _print_refusal(report: ImportReport, *, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        for issue in report.issues[:MAX_SHOWN]:
            err_console.print(
                f"[bold red]error:[/] {escape(str(issue))}", highlight=False, soft_wrap=True
            )
        hidden = len(report.issues) - MAX_SHOWN
        if hidden > 0:
            err_console.print(f"... and {hidden} more (--json lists them all)", highlight=False)
    where = f" in {report.rows_rejected} row(s) of {report.rows_read}" if report.rows_read else ""
    err_console.print(
        f"Import refused: {len(report.issues)} problem(s){where}; nothing was written.",
        highlight=False,
    )


def _print_summary(report: ImportReport) -> None:
    table = Table(box=None, pad_edge=False)
    for heading in ("", "created", "updated", "unchanged"):
        table.add_column(heading, justify="right" if heading else "left")
    for name, counts in (
        ("people", report.employees),
        ("signals", report.signals),
        ("sensitive attributes", report.sensitive),
    ):
        table.add_row(name, str(counts.created), str(counts.updated), str(counts.unchanged))
    verb = "Checked" if report.dry_run else "Imported"
    console.print(f"{verb} {report.rows_read} rows of {Path(report.file).name}.")
    console.print(table)
    if report.managers_created:
        console.print(
            f"Managers named without a row, created as people: {report.managers_created}"
        )
    if report.people_with_reports:
        console.print(f"People with reports: {report.people_with_reports}")
    if report.dry_run:
        console.print("Dry run: nothing was written.")
