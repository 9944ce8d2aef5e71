"""Encryption at rest: free text never lands on disk in clear, and keys rotate."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlmodel import Session

from storage.config import Settings, load_settings
from storage.crypto import Keyring, KeyringError, generate_key, install_keyring
from storage.db import PlaintextRefusedError, install_keys, make_engine, upgrade
from storage.rotation import rotate_all
from storage.tables import Employee, Note

SENTENCE = "Handled the outage calmly and wrote a clear incident summary for the team"


def _write_note(engine: Engine) -> None:
    with Session(engine) as session:
        person = Employee(external_id="e1", name="Erin Report")
        session.add(person)
        session.flush()
        assert person.id is not None
        session.add(
            Note(
                subject_id=person.id,
                kind="peer",
                text=SENTENCE,
                written_at=datetime(2026, 11, 2, tzinfo=UTC),
            )
        )
        session.commit()


def _files_containing(folder: Path, needle: bytes) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file() and needle in path.read_bytes()]


def test_note_sentence_is_nowhere_under_var(engine: Engine, var_dir: Path) -> None:
    _write_note(engine)
    engine.dispose()  # flush the WAL into the main file as well
    assert list(var_dir.glob("tandem.db*"))
    assert _files_containing(var_dir, SENTENCE.encode()) == []
    assert _files_containing(var_dir, SENTENCE[:24].encode()) == []


def test_stored_value_is_a_fernet_token(engine: Engine) -> None:
    _write_note(engine)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT text FROM note")).scalar_one()
    assert stored.startswith("gAAAAA")
    assert SENTENCE not in stored


def test_rotation_re_encrypts_under_the_new_key_and_drops_the_old(engine: Engine) -> None:
    _write_note(engine)
    old_key = load_settings().encryption_key
    assert old_key is not None
    new_key = generate_key()
    install_keyring(Keyring(f"{new_key},{old_key.get_secret_value()}"))

    counts = rotate_all(engine)

    assert counts["note.text"] == 1
    install_keyring(Keyring(new_key))
    with Session(engine) as session:
        assert session.execute(select(Note.text)).scalar_one() == SENTENCE
    install_keyring(Keyring(old_key.get_secret_value()))
    with Session(engine) as session, pytest.raises(KeyringError, match="cannot be decrypted"):
        session.execute(select(Note.text)).scalar_one()


def test_rotation_encrypts_values_written_without_a_key(settings: Settings) -> None:
    install_keyring(Keyring())
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    _write_note(engine)
    key = generate_key()
    install_keyring(Keyring(key))

    rotate_all(engine)

    with engine.connect() as connection:
        assert connection.execute(text("SELECT text FROM note")).scalar_one().startswith("gAAAAA")
    with Session(engine) as session:
        assert session.execute(select(Note.text)).scalar_one() == SENTENCE


def test_malformed_key_is_refused_naming_the_variable() -> None:
    with pytest.raises(KeyringError, match="TANDEM_ENCRYPTION_KEY"):
        Keyring("not-a-key")


def test_server_database_refuses_to_start_without_a_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TANDEM_ENCRYPTION_KEY")
    monkeypatch.setenv("TANDEM_DATABASE_URL", "postgresql+psycopg://tandem@127.0.0.1/tandem")
    with pytest.raises(PlaintextRefusedError, match="TANDEM_ENCRYPTION_KEY"):
        install_keys(load_settings())
    monkeypatch.setenv("TANDEM_ALLOW_PLAINTEXT", "1")
    assert not install_keys(load_settings()).is_encrypting


def test_embedded_demo_without_a_key_warns(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("TANDEM_ENCRYPTION_KEY")
    with caplog.at_level(logging.WARNING, logger="storage.db"):
        keyring = install_keys(load_settings())
    assert not keyring.is_encrypting
    assert "TANDEM_ENCRYPTION_KEY is not set" in caplog.text


def test_start_up_refuses_a_database_its_keys_cannot_read(engine: Engine) -> None:
    from storage.rotation import check_readable

    _write_note(engine)
    check_readable(engine)
    install_keyring(Keyring())
    with pytest.raises(KeyringError, match="TANDEM_ENCRYPTION_KEY is unset"):
        check_readable(engine)
    install_keyring(Keyring(generate_key()))
    with pytest.raises(KeyringError, match="cannot be decrypted"):
        check_readable(engine)
