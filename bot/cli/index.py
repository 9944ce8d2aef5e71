"""`tandem index notes`: embed every note ahead of time, so preps never wait on the model."""

from __future__ import annotations

import typer
from rich.console import Console

from bot.cli.errors import reported

index_app = typer.Typer(help="The vector index (ids and embeddings, never text).")
console = Console(highlight=False)
BATCH = 64


@index_app.command("notes")
def index_notes_command() -> None:
    """Embed and store the vector of every general note not yet in the index."""
    from rich.progress import Progress
    from sqlalchemy import select
    from sqlmodel import Session, col

    from bot.runtime import configure_logging, note_vectors, open_runtime
    from skills.embedding import EmbeddingError
    from storage.tables import Note
    from storage.vector_index import VectorIndexError

    configure_logging()
    with reported(EmbeddingError, VectorIndexError):
        runtime = open_runtime()
        vectors = note_vectors(runtime.settings)
        if vectors is None:
            console.print("Feedback themes are switched off (composer.feedback_themes).")
            return
        stored = 0
        with Session(runtime.engine) as session:
            # Medical and disciplinary records never enter evidence, so they are never indexed.
            notes = list(
                session.execute(select(Note).where(col(Note.category) == "general")).scalars()
            )
            with Progress(console=console, transient=True) as progress:
                task = progress.add_task("Embedding notes", total=len(notes))
                for start in range(0, len(notes), BATCH):
                    batch = notes[start : start + BATCH]
                    known = vectors.index.vectors(
                        vectors.collection, [f"note:{n.id}" for n in batch]
                    )
                    missing = [note for note in batch if f"note:{note.id}" not in known]
                    stored += len(vectors.store(missing))
                    progress.advance(task, len(batch))
    console.print(f"Indexed {stored} notes ({len(notes) - stored} were already indexed).")
