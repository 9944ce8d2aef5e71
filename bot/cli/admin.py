"""`tandem db ...` and `tandem keys ...`: migrations and encryption keys."""

from __future__ import annotations

import typer
from rich.console import Console

from bot.cli.errors import reported

db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
keys_app = typer.Typer(help="Encryption keys for free text at rest.", no_args_is_help=True)
console = Console()


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Run the database migrations up to REVISION (default: the newest)."""
    from bot.runtime import configure_logging, open_runtime
    from storage.db import make_engine, upgrade

    configure_logging()
    with reported():
        runtime = open_runtime()
        settings = runtime.settings
        engine = make_engine(
            settings.effective_database_url, busy_timeout_ms=settings.database.busy_timeout_ms
        )
        upgrade(engine, revision)
    console.print(f"Database at revision {revision}.")


@keys_app.command("generate")
def keys_generate() -> None:
    """Print a new encryption key for TANDEM_ENCRYPTION_KEY."""
    from storage.crypto import generate_key

    typer.echo(generate_key())


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt every stored text under the first key of TANDEM_ENCRYPTION_KEY.

    Put the new key first and the old one after it (comma-separated), run this, then drop
    the old key.
    """
    from bot.runtime import configure_logging, open_runtime
    from storage.rotation import rotate_all

    configure_logging()
    with reported():
        runtime = open_runtime()
        counts = rotate_all(runtime.engine)
    total = sum(counts.values())
    console.print(f"Re-encrypted {total} values in {len(counts)} columns under the newest key.")
