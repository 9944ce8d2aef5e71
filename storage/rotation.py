"""Key rotation: re-encrypt every encrypted column under the newest key, in one transaction."""

from __future__ import annotations

import logging

from sqlalchemy import Engine, Text, select, type_coerce, update
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers every table)
from storage.crypto import EncryptedText, KeyringError, current_keyring

logger = logging.getLogger(__name__)


def encrypted_columns() -> list[tuple[str, str]]:
    """Every (table, column) pair stored with `EncryptedText`."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, EncryptedText):
                found.append((table.name, column.name))
    return found


def rotate_all(engine: Engine) -> dict[str, int]:
    """Re-encrypt all stored values; returns how many values each column had."""
    keyring = current_keyring()
    if not keyring.is_encrypting:
        raise KeyringError("TANDEM_ENCRYPTION_KEY is not set: there is no key to rotate to")

    counts: dict[str, int] = {}
    with engine.begin() as connection:
        for table_name, column_name in encrypted_columns():
            table = SQLModel.metadata.tables[table_name]
            key_column = next(iter(table.primary_key.columns))
            raw = type_coerce(table.c[column_name], Text)
            rows = connection.execute(
                select(key_column, raw.label("stored")).where(table.c[column_name].is_not(None))
            ).all()
            for row_key, stored in rows:
                connection.execute(
                    update(table)
                    .where(key_column == row_key)
                    .values({column_name: type_coerce(keyring.rotate(stored), Text)})
                )
            counts[f"{table_name}.{column_name}"] = len(rows)
    logger.info("Keys rotated (columns=%d, values=%d)", len(counts), sum(counts.values()))
    return counts


def check_readable(engine: Engine) -> None:
    """Refuse to run when stored text cannot be read with the configured keys.

    Looks at one stored value per encrypted column: an encrypted value with no key, or one
    that none of the keys opens, raises `KeyringError` at start-up instead of failing later
    in the middle of a conversation.
    """
    keyring = current_keyring()
    with engine.connect() as connection:
        for table_name, column_name in encrypted_columns():
            table = SQLModel.metadata.tables[table_name]
            raw = type_coerce(table.c[column_name], Text)
            stored = connection.execute(
                select(raw).where(raw.like("gAAAAA%")).limit(1)
            ).scalar_one_or_none()
            if stored is not None:
                keyring.decrypt(stored)
