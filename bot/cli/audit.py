"""`tandem audit ...`: verify the audit chain, checkpoint it, and list recent events."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.cli.errors import err_console, fail, reported

if TYPE_CHECKING:
    from storage.audit import Checkpoint, VerifyReport
    from storage.tables import AuditEvent

audit_app = typer.Typer(help="The audit trail: verify, checkpoint, list.", no_args_is_help=True)
console = Console(highlight=False, soft_wrap=True)


@audit_app.command("verify")
def audit_verify(
    seal_head: bool = typer.Option(
        True, "--seal/--no-seal", help="When the chain verifies, checkpoint its head."
    ),
) -> None:
    """Check every hash and link of the chain, and the keyed checkpoint.

    Exits 0 with one OK line, or 1 naming the first broken link or the missing tail.
    """
    from sqlmodel import Session

    from bot.runtime import configure_logging, open_runtime
    from storage.audit import CheckpointPolicy, seal, verify_chain

    configure_logging()
    with reported(OSError):
        runtime = open_runtime()
        policy = CheckpointPolicy.from_settings(runtime.settings)
        with Session(runtime.engine) as session:
            report = verify_chain(
                session,
                checkpoint_path=policy.path,
                audit_key=policy.key,
                checkpoint_every=policy.every,
            )
        sealed = (
            seal(report, path=policy.path, key=policy.key) if seal_head and policy.key else None
        )

    if not report.ok:
        _print_failure(report)
        raise typer.Exit(1)
    console.print(_ok_line(report, sealed))


def _ok_line(report: VerifyReport, sealed: Checkpoint | None) -> str:
    if report.rows == 0:
        chain = "audit chain is empty"
    else:
        chain = f"audit chain verified: {report.rows} rows up to seq {report.head_seq}"
    states = {
        "verified": f"checkpoint verified at seq {report.checkpoint_seq}",
        "absent": "no checkpoint yet",
        "unkeyed": "checkpoint not checked (TANDEM_AUDIT_KEY is not set, so deleted tail "
        "rows cannot be detected)",
    }
    parts = [chain, states.get(report.checkpoint, f"checkpoint {report.checkpoint}")]
    if sealed is not None:
        parts.append(f"checkpoint now at seq {sealed.head_seq}")
    if report.purged_payloads:
        parts.append(f"{report.purged_payloads} payloads purged by retention")
    return "OK: " + "; ".join(parts)


def _print_failure(report: VerifyReport) -> None:
    where = f"; first broken link: seq {report.first_broken_seq}"
    headline = (
        f"[bold red]FAILED:[/] audit chain of {report.rows} rows does not verify"
        f"{where if report.first_broken_seq is not None else ''}"
    )
    err_console.print(headline, highlight=False, soft_wrap=True)
    for problem in report.problems:
        err_console.print(f"  - {problem}", highlight=False, markup=False, soft_wrap=True)
    if report.omitted_problems:
        err_console.print(f"  ... and {report.omitted_problems} more", highlight=False)


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Write a keyed checkpoint of the chain's head now (needs TANDEM_AUDIT_KEY)."""
    from bot.runtime import configure_logging, open_runtime
    from storage.audit import CheckpointPolicy, write_checkpoint

    configure_logging()
    with reported(OSError):
        runtime = open_runtime()
        policy = CheckpointPolicy.from_settings(runtime.settings)
        if policy.key is None:
            fail("TANDEM_AUDIT_KEY is not set: checkpoints are signed with it", code=2)
        written = write_checkpoint(runtime.engine, path=policy.path, key=policy.key)
    if written is None:
        console.print("Nothing to checkpoint: the audit chain is empty.")
        return
    console.print(
        f"Checkpoint written: {written.rows} rows up to seq {written.head_seq} ({policy.path})."
    )


@audit_app.command("log")
def audit_log(
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="How many events, newest first."),
    subject: str | None = typer.Option(
        None, "--subject", help="Only events about this person (external id)."
    ),
) -> None:
    """List recent audit events: metadata only, never prompts or outputs."""
    from sqlmodel import Session, col, select

    from bot.runtime import configure_logging, open_runtime
    from storage.audit import recent_events
    from storage.tables import Employee

    configure_logging()
    with reported():
        runtime = open_runtime()
        with Session(runtime.engine) as session:
            subject_id = None
            if subject is not None:
                found = session.exec(select(Employee).where(Employee.external_id == subject))
                person = found.first()
                if person is None:
                    fail(f"no employee with external id {subject!r}")
                subject_id = person.id
            events = recent_events(session, limit=limit, subject_id=subject_id)
            ids = {i for e in events for i in (e.actor_id, e.subject_id) if i is not None}
            people = session.exec(select(Employee).where(col(Employee.id).in_(ids))).all()
    console.print(_events_table(events, {p.id: p.external_id for p in people if p.id}))


def _events_table(events: list[AuditEvent], external_ids: dict[int, str]) -> Table:
    table = Table(title=f"Audit events ({len(events)}, newest first)")
    for column in ("Seq", "Time (UTC)", "Actor", "Action", "Subject", "Purpose", "Records"):
        table.add_column(column, no_wrap=column != "Records")
    table.add_column("Composer / pack")
    table.add_column("Tokens in/out", justify="right")

    def who(person_id: int | None) -> str:
        if person_id is None:
            return "system"
        return external_ids.get(person_id, f"#{person_id}")

    for event in events:
        records = ", ".join(event.record_ids[:3])
        if len(event.record_ids) > 3:
            records += f" +{len(event.record_ids) - 3}"
        tokens = "" if event.tokens_in is None else f"{event.tokens_in}/{event.tokens_out or 0}"
        table.add_row(
            str(event.seq),
            event.at.strftime("%Y-%m-%d %H:%M"),
            escape(who(event.actor_id)),
            escape(event.action),
            "" if event.subject_id is None else escape(who(event.subject_id)),
            event.purpose or "",
            escape(records),
            escape(" / ".join(part for part in (event.composer, event.pack_version) if part)),
            tokens,
        )
    return table
