"""The `tandem` entry point: registers every command group."""

from __future__ import annotations

import typer

from bot.cli import admin

app = typer.Typer(
    name="tandem",
    help="Tandem: a coaching assistant for managers, employees and HR.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(admin.db_app, name="db")
app.add_typer(admin.keys_app, name="keys")


if __name__ == "__main__":
    app()
