"""`tandem demo ...`: the demo organisation of synthetic people (content/demo/)."""

from __future__ import annotations

import json
from dataclasses import asdict

import typer
from rich.console import Console

from bot.cli.errors import reported
from bot.runtime import configure_logging, open_runtime

demo_app = typer.Typer(help="The demo organisation (synthetic people).", no_args_is_help=True)
console = Console()


@demo_app.command("load")
def demo_load(
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
) -> None:
    """Load the demo organisation, anchored at today.

    Running it again re-anchors the demo at today's date and duplicates nothing.
    """
    from storage.demo import DemoError, load_demo
    from storage.types import utcnow

    configure_logging()
    with reported(DemoError):
        runtime = open_runtime()
        root = runtime.settings.resolve(runtime.settings.paths.content) / "demo"
        counts = load_demo(runtime.engine, now=utcnow(), root=root)

    if as_json:
        typer.echo(json.dumps(asdict(counts)))
        return
    console.print(
        f"Demo organisation loaded: {counts.people} people ({counts.people_created} new, "
        f"{counts.active} active), {counts.managers} managers, {counts.hr_admins} HR admin, "
        f"{counts.signals} signals, {counts.notes} notes, {counts.goals} goals, "
        f"{counts.meetings} 1:1s in the next 14 days, {counts.review_cycles} review cycle.",
        highlight=False,
    )
