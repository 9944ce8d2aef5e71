"""How the CLI reports a failure: one plain line on stderr and an exit status, never a trace."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console

from storage.config import ConfigError
from storage.crypto import KeyringError
from storage.db import DatabaseError

err_console = Console(stderr=True)

EXPECTED_ERRORS: tuple[type[Exception], ...] = (ConfigError, KeyringError, DatabaseError)


def fail(message: str, *, code: int = 1) -> NoReturn:
    """Print `message` to stderr and exit with `code`."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


@contextmanager
def reported(*extra: type[Exception]) -> Iterator[None]:
    """Turn expected errors into one clear line and exit status 2."""
    try:
        yield
    except (*EXPECTED_ERRORS, *extra) as exc:
        fail(str(exc), code=2)


Command = Callable[..., None]
