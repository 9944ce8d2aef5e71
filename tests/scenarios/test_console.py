"""The console channel: interactive commands, switching user, the inbox, end of input."""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Console
from sqlalchemy import select
from sqlmodel import Session, col

from bot.channels.console import ConsoleChannel
from bot.dispatch import Core
from storage.tables import Employee
from tests.scenarios.conftest import PRIYA


def _priya(core: Core) -> Employee:
    with Session(core.engine) as session:
        return session.execute(select(Employee).where(col(Employee.email) == PRIYA)).scalar_one()


def _reader(lines: list[str]) -> Iterator[str]:
    yield from lines
    raise EOFError


def test_interactive_session_switches_user_reads_inbox_and_ends_at_eof(core: Core) -> None:
    out = Console(record=True, width=100)
    channel = ConsoleChannel(core, _priya(core), out=out)
    feed = _reader(
        [
            "prep my 1:1 with Dana",
            "/as Dana Whitfield",
            "dispute: the late starts were agreed with my manager in advance",
            "/as Grace Liu",
            "/inbox",
            "/nonsense",
        ]
    )

    channel.run(read=lambda _prompt: next(feed))

    text = out.export_text()
    assert "1:1 prep for Dana Whitfield" in text
    assert "You are now Dana Whitfield." in text
    assert "opened dispute X1" in text
    assert "You are now Grace Liu." in text
    assert "Dana Whitfield opened dispute X1" in text
    assert "/nonsense is not a console command" in text
    assert channel.user.name == "Grace Liu"


def test_switching_to_an_ambiguous_name_says_who_matches(core: Core) -> None:
    channel = ConsoleChannel(core, _priya(core), out=Console(record=True))
    reply = channel.switch("Alex")
    assert "Alex Chen" in reply
    assert "Alex Moreno" in reply
    assert channel.user.email == PRIYA
