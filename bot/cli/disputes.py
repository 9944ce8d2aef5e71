"""`tandem disputes ...`: HR lists and resolves employees' disputes of AI outputs."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.cli.errors import reported

disputes_app = typer.Typer(help="Employees' disputes of AI outputs.", no_args_is_help=True)
console = Console(highlight=False)


class Outcome(StrEnum):
    """HR's decision."""

    UPHELD = "upheld"
    REJECTED = "rejected"


@disputes_app.command("list")
def list_command() -> None:
    """List open disputes, oldest first."""
    from sqlmodel import Session

    from bot.runtime import configure_logging, open_runtime
    from storage.disputes import open_disputes
    from storage.tables import Employee

    configure_logging()
    with reported():
        engine = open_runtime().engine
        with Session(engine) as session:
            table = Table("id", "opened", "employee", "about", "reason")
            for dispute in open_disputes(session):
                person = session.get(Employee, dispute.employee_id)
                about = f"A-event {dispute.audit_event_id}" if dispute.audit_event_id else "-"
                table.add_row(
                    f"X{dispute.id}",
                    f"{dispute.opened_at:%Y-%m-%d}",
                    person.name if person else "?",
                    about,
                    dispute.reason,
                )
    console.print(table)


@disputes_app.command("resolve")
def resolve_command(
    dispute: Annotated[str, typer.Argument(help="The dispute id, e.g. X3.")],
    outcome: Annotated[Outcome, typer.Option("--outcome", help="upheld or rejected.")],
    note: Annotated[str, typer.Option("--note", help="What HR decided and why (sent to them).")],
    as_user: Annotated[str, typer.Option("--as", help="The HR admin resolving it.")],
) -> None:
    """Resolve a dispute and tell the employee."""
    from bot.identity import IdentityError, find_by_name_or_email
    from bot.runtime import configure_logging, open_runtime
    from storage.db import session_scope
    from storage.disputes import DisputeClosedError, DisputeNotFoundError, resolve
    from storage.inbox import deliver
    from storage.measures import emit
    from storage.types import utcnow

    configure_logging()
    with reported(IdentityError, DisputeNotFoundError, DisputeClosedError, ValueError):
        engine = open_runtime().engine
        if not note.strip():
            raise ValueError("--note must say what HR decided and why; the employee reads it")
        number = int(dispute.lstrip("Xx#"))
        with session_scope(engine) as session:
            admin = find_by_name_or_email(session, as_user)
            if not admin.is_hr_admin or admin.id is None:
                raise ValueError(f"{admin.name} is not an HR admin")
            now = utcnow()
            closed = resolve(
                session, number, outcome=outcome.value, note=note, resolved_by=admin.id, now=now
            )
            emit(
                session,
                "dispute_resolved",
                actor_id=admin.id,
                subject_id=closed.employee_id,
                dispute_id=number,
                outcome=outcome.value,
            )
            body = f"Your dispute X{number} was {outcome.value} by HR: {note}"
            deliver(
                session,
                employee_id=closed.employee_id,
                kind="dispute_resolved",
                body=body,
                now=now,
            )
    console.print(f"Dispute X{number} {outcome.value}; the employee was told.")
