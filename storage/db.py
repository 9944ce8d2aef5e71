"""The database: engine, sessions, migrations and the start-up checks around them.

SQLite (the embedded default) runs in WAL mode with a busy timeout so the CLI and a running
server can share the file. PostgreSQL is selected by `TANDEM_DATABASE_URL`.

Errors:
    DatabaseError
      +-- PlaintextRefusedError: a server database without an encryption key.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

from storage.config import Settings
from storage.crypto import Keyring, install_keyring

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseError(RuntimeError):
    """The database cannot be opened as configured."""


class PlaintextRefusedError(DatabaseError):
    """A server database would store free text unencrypted."""


def make_engine(
    url: str,
    *,
    busy_timeout_ms: int = 5000,
    echo: bool = False,
    search_path: str | None = None,
) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a busy timeout.

    `search_path` puts a PostgreSQL connection in one schema (the tests use one each).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        connect_args = {"options": f"-csearch_path={search_path}"} if search_path else {}
        return create_engine(
            url, echo=echo, pool_pre_ping=True, connect_args=connect_args, future=True
        )

    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, echo=echo, connect_args={"timeout": busy_timeout_ms / 1000}, future=True
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration bound to `engine`, without an ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to `revision`."""
    command.upgrade(alembic_config(engine), revision)
    logger.info("Database upgraded (revision=%s)", revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has never been migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def install_keys(settings: Settings) -> Keyring:
    """Install the configured encryption keys, refusing plaintext on a server database."""
    secret = settings.encryption_key.get_secret_value() if settings.encryption_key else None
    keyring = Keyring(secret)
    if not keyring.is_encrypting:
        if not settings.is_embedded and not settings.allow_plaintext:
            raise PlaintextRefusedError(
                "TANDEM_ENCRYPTION_KEY is not set: a PostgreSQL deployment refuses to store "
                "free text unencrypted (set the key, or TANDEM_ALLOW_PLAINTEXT=1 for a trial)"
            )
        logger.warning(
            "TANDEM_ENCRYPTION_KEY is not set: notes and drafts are stored unencrypted "
            "(run `tandem keys generate` and set the key before real data)"
        )
    install_keyring(keyring)
    return keyring


def open_database(settings: Settings, *, migrate_if_empty: bool = True) -> Engine:
    """Install keys, create the engine, and upgrade an empty embedded database."""
    install_keys(settings)
    engine = make_engine(
        settings.effective_database_url,
        busy_timeout_ms=settings.database.busy_timeout_ms,
        echo=settings.database.echo,
    )
    if migrate_if_empty and settings.is_embedded and current_revision(engine) is None:
        upgrade(engine)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
