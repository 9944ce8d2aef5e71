"""Whole conversations against the demo organisation, through the real dispatcher."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from bot.dispatch import Core, handle_turn
from bot.render.text import render_answer
from bot.runtime import Runtime, build_core
from bot.turn import Surface, Turn
from storage.config import Settings

Say = Callable[..., str]


@pytest.fixture
def core(settings: Settings, engine: Engine) -> Core:
    """The conversation core over a fresh database with the demo organisation loaded."""
    runtime = Runtime(settings)
    runtime.__dict__["engine"] = engine  # the migrated test engine, not a second one
    return build_core(runtime)


@pytest.fixture
def say(core: Core) -> Say:
    """Send one console message as a person (by email) and get the rendered reply."""

    def send(who: str, text: str, *, surface: Surface = "direct", thread: str = "t1") -> str:
        turn = Turn(channel="console", user_id=who, text=text, surface=surface, thread=thread)
        return "\n\n".join(render_answer(reply.answer) for reply in handle_turn(core, turn))

    return send


PRIYA = "priya.raman@demo.tandem.example"
DANA = "dana.whitfield@demo.tandem.example"
GRACE = "grace.liu@demo.tandem.example"
