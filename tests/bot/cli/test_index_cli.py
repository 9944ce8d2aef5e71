"""`tandem index notes`: embeds general notes once, never medical ones, never stores text."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine
from typer.testing import CliRunner

from bot.cli.main import app
from skills.note_vectors import COLLECTION
from storage.config import Settings
from storage.db import session_scope
from storage.tables import Employee, Note
from storage.vector_index import ChromaVectorIndex

runner = CliRunner()
WHEN = datetime(2026, 11, 20, tzinfo=UTC)


def test_index_notes_embeds_general_notes_once_and_stores_no_text(
    engine: Engine, settings: Settings
) -> None:
    with session_scope(engine) as session:
        person = Employee(external_id="e1", name="Erin Report")
        session.add(person)
        session.flush()
        assert person.id is not None
        for text, category in (
            ("Kept the release notes clear and early.", "general"),
            ("Helped two new joiners with their first reviews.", "general"),
            ("Off sick for a week with flu.", "medical"),
        ):
            session.add(
                Note(
                    subject_id=person.id,
                    kind="peer",
                    category=category,
                    text=text,
                    written_at=WHEN,
                )
            )

    first = runner.invoke(app, ["index", "notes"])
    second = runner.invoke(app, ["index", "notes"])

    assert first.exit_code == 0, first.output
    assert "Indexed 2 notes" in first.output
    assert "Indexed 0 notes (2 were already indexed)" in second.output
    collection = f"{COLLECTION}-{settings.database_digest}"
    with ChromaVectorIndex(settings.resolve(settings.vector.path)) as index:
        assert index.count(collection) == 2
        for metadata in index.stored_metadatas(collection):
            assert set(metadata) == {"employee_id", "kind", "written_at"}
