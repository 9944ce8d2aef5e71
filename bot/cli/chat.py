"""`tandem chat` (the console channel) and `tandem org` (who reports to whom)."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from bot.cli.errors import fail, reported

console = Console(highlight=False, soft_wrap=True)


def chat_command(
    as_user: str | None = typer.Option(
        None, "--as", help="Talk as this person (name, email or external id)."
    ),
    message: str | None = typer.Option(
        None, "--message", "-m", help="Send one message, print the answer and exit."
    ),
) -> None:
    """Talk to Tandem in the terminal (interactive unless --message is given)."""
    from sqlmodel import Session

    from bot.channels.console import ConsoleChannel
    from bot.identity import IdentityError, find_by_name_or_email
    from bot.runtime import build_core, configure_logging, open_runtime
    from storage.org import default_user

    configure_logging()
    with reported(IdentityError):
        core = build_core(open_runtime())
        with Session(core.engine) as session:
            if as_user:
                user = find_by_name_or_email(session, as_user, thresholds=core.thresholds)
            else:
                found = default_user(session)
                if found is None:
                    fail("the database has nobody in it: run `tandem demo load` or an import")
                user = found
    channel = ConsoleChannel(core, user, out=console)
    if message is not None:
        console.print(channel.send(message))
        return
    channel.run()


def org_command(
    manager: str | None = typer.Option(None, "--manager", help="Only this manager's line."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List people with their managers and reports."""
    from sqlmodel import Session

    from bot.identity import IdentityError, find_by_name_or_email
    from bot.runtime import build_core, configure_logging, open_runtime
    from storage.org import org_rows

    configure_logging()
    with reported(IdentityError):
        core = build_core(open_runtime())
        with Session(core.engine) as session:
            manager_id = None
            if manager:
                manager_id = find_by_name_or_email(session, manager, thresholds=core.thresholds).id
            rows = org_rows(session, manager_id=manager_id)

    if as_json:
        typer.echo(json.dumps([row._asdict() for row in rows], indent=2, default=str))
        return
    table = Table("name", "title", "department", "manager", "reports", "email", "active")
    for row in rows:
        table.add_row(
            row.name,
            row.title or "",
            row.department or "",
            row.manager or "",
            str(row.reports),
            row.email or "",
            "yes" if row.active else "no",
        )
    console.print(table)
