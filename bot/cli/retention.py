"""`tandem retention run`: remove what has outlived its retention period, and say so."""

from __future__ import annotations

import typer
from rich.console import Console

from bot.cli.errors import reported

retention_app = typer.Typer(help="Retention: purge expired data.", no_args_is_help=True)
console = Console(highlight=False)


@retention_app.command("run")
def run_command() -> None:
    """Purge expired conversation context and audit payloads past their retention.

    Audit events stay (their digests keep the chain verifiable); only the encrypted prompts
    and outputs beside them go, except those an open dispute holds. The purge is audited.
    """
    from datetime import timedelta

    from bot.runtime import configure_logging, open_runtime
    from storage.audit import purge_payloads
    from storage.conversation import purge_expired
    from storage.db import session_scope
    from storage.types import utcnow

    configure_logging()
    with reported():
        runtime = open_runtime()
        now = utcnow()
        days = runtime.settings.audit.payload_retention_days
        with session_scope(runtime.engine) as session:
            contexts = purge_expired(session, now=now)
            payloads = purge_payloads(
                session, older_than=now - timedelta(days=days), keep_event_ids=set()
            )
    console.print(
        f"Purged {contexts} expired conversation context(s) and {payloads} audit payload(s) "
        f"older than {days} days."
    )
