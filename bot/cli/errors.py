"""How the CLI reports a failure: one plain line on stderr and an exit status, never a trace."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console

err_console = Console(stderr=True)


def expected_errors() -> tuple[type[Exception], ...]:
    """Errors every command reports as one line; imported late to keep `--help` fast."""
    from storage.config import ConfigError
    from storage.crypto import KeyringError
    from storage.db import DatabaseError

    return (ConfigError, KeyringError, DatabaseError)


def fail(message: str, *, code: int = 1) -> NoReturn:
    """Print `message` to stderr and exit with `code`."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


@contextmanager
def reported(*extra: type[Exception]) -> Iterator[None]:
    """Turn expected errors into one clear line and exit status 2."""
    try:
        yield
    except Exception as exc:
        if isinstance(exc, (*expected_errors(), *extra)):
            fail(str(exc), code=2)
        raise
