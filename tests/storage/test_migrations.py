"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers every table)
from storage.db import current_revision


def test_migrated_schema_matches_the_models(any_engine: Engine) -> None:
    with any_engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []
    assert current_revision(any_engine) == "0001"
