"""Start-up: settings, logging and the database, assembled once per process."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine

from storage.config import Settings, get_settings
from storage.db import open_database

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
        """The database, keys installed and an empty embedded file migrated."""
        return open_database(self.settings)


def open_runtime(settings: Settings | None = None) -> Runtime:
    """A runtime over the process settings (or the ones given, in tests)."""
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    return Runtime(settings or get_settings())
