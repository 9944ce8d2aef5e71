"""`tandem content check`: validate everything under content/ and report what it holds."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.cli.errors import reported
from bot.runtime import configure_logging

content_app = typer.Typer(help="The content library (modules, roles, copy).", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)

COUNT_LABELS = {
    "competencies": "competencies",
    "families": "competency families",
    "levels": "proficiency levels",
    "signals": "signal kinds",
    "roles": "role profiles",
    "modules": "modules",
    "wordlists": "word lists",
    "copy_keys": "copy keys",
}


@content_app.command("check")
def content_check(
    root: Annotated[
        Path | None,
        typer.Option("--root", help="Content folder to check (default: paths.content)."),
    ] = None,
) -> None:
    """Validate the content library; list every problem as `file: field: message`."""
    from skills.content import ContentError, clear_library_cache, load_library

    configure_logging()
    folder = root if root is not None else _configured_root()
    clear_library_cache()
    started = time.perf_counter()
    try:
        library = load_library(folder)
    except ContentError as exc:
        for problem in exc.problems:
            err_console.print(str(problem), markup=False, highlight=False, soft_wrap=True)
        err_console.print(f"{len(exc.problems)} problem(s) in {folder}", highlight=False)
        raise typer.Exit(1) from None
    elapsed_ms = (time.perf_counter() - started) * 1000

    console.print(f"Content library at {folder}", highlight=False)
    table = Table()
    table.add_column("item")
    table.add_column("count", justify="right")
    for key, count in library.counts().items():
        table.add_row(COUNT_LABELS.get(key, key), str(count))
    console.print(table)
    console.print(f"Content is valid (loaded in {elapsed_ms:.0f} ms).", highlight=False)


def _configured_root() -> Path:
    from storage.config import load_settings

    with reported():
        settings = load_settings()
    return settings.resolve(settings.paths.content)
