"""1:1 prep on a real HRIS export: single snapshots compared with the team's medians."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.dispatch import Core, handle_turn
from bot.render.text import render_answer
from bot.runtime import Runtime, build_core
from bot.turn import Turn
from storage.config import Settings
from storage.hris import load_mapping, run_import

pytestmark = pytest.mark.shared_data
MAPPINGS = Path(__file__).resolve().parents[2] / "content" / "mappings"


@pytest.fixture
def hris_core(settings: Settings, engine: Engine, shared_data: Path) -> Core:
    """The core over a database holding only the HRDataset_v14 import."""
    mapping = load_mapping(MAPPINGS / "hrdataset_v14.yaml")
    run_import(engine, shared_data / "hr" / "HRDataset_v14.csv", mapping)
    runtime = Runtime(settings)
    runtime.__dict__["engine"] = engine
    return build_core(runtime)


def _ask(core: Core, who: str, text: str) -> str:
    turn = Turn(channel="console", user_id=who, text=text)
    return "\n".join(render_answer(reply.answer) for reply in handle_turn(core, turn))


def test_prep_answers_from_the_record_against_team_medians(hris_core: Core) -> None:
    reply = _ask(hris_core, "hrd-manager-michael-albert", "prep my 1:1 with Wilson Adinolfi")

    assert "Wilson" in reply
    assert "Engagement survey: 4.6 / 5" in reply
    assert "Satisfaction survey: 5 / 5" in reply
    assert "1 day" in reply
    assert "team median" in reply
    assert "2019-01-17" in reply


def test_a_manager_cannot_prep_someone_in_another_line(hris_core: Core) -> None:
    reply = _ask(hris_core, "hrd-manager-michael-albert", "prep my 1:1 with Brandon LeBlanc")
    assert "Conversation starters" not in reply
