"""`tandem audit verify | checkpoint | log` against a temporary embedded database."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner, Result

from bot.cli.audit import audit_app
from bot.cli.main import app
from storage.audit import CheckpointPolicy, append_event
from storage.config import Settings, get_settings
from storage.db import session_scope
from storage.tables import Employee

runner = CliRunner()


def _run(*args: str) -> Result:
    return runner.invoke(audit_app, list(args))


def _table_rows(result: Result) -> list[list[str]]:
    """The cells of each event row in a Rich table (rows start with a sequence number)."""
    rows = [
        [cell.strip() for cell in line.split("│")[1:-1]] for line in result.stdout.splitlines()
    ]
    return [row for row in rows if row and row[0].isdigit()]


def _flat(result: Result) -> str:
    """Output and errors with Rich's line wrapping undone."""
    return " ".join((result.stdout + result.stderr).split())


@pytest.fixture
def chain(engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """Three events by demo-001 about demo-002 and demo-003, with payloads, no checkpoint."""
    monkeypatch.setenv("TANDEM_AUDIT__CHECKPOINT_EVERY", "50")
    get_settings.cache_clear()
    policy = replace(CheckpointPolicy.from_settings(settings), every=50)
    with session_scope(engine) as session:
        people = [Employee(external_id=f"demo-00{n}", name=f"Person {n}") for n in (1, 2, 3)]
        session.add_all(people)
        session.flush()
        manager, first, second = (person.id for person in people)
        for subject, action in (
            (first, "prep_one_on_one"),
            (second, "draft_review"),
            (first, "denied"),
        ):
            append_event(
                session,
                actor_id=manager,
                action=action,
                subject_id=subject,
                purpose="prep",
                record_ids=["note:1", "note:2", "signal:3", "signal:4"],
                input_payload="a secret prompt",
                output_payload="a secret output",
                composer="offline",
                pack_version="default@1",
                tokens_in=120,
                tokens_out=80,
                checkpoints=policy,
            )
    return engine


def test_the_audit_group_is_registered_on_tandem() -> None:
    result = runner.invoke(app, ["audit", "--help"])
    assert result.exit_code == 0
    assert "verify" in result.stdout
    assert "checkpoint" in result.stdout


def test_verify_passes_and_seals_the_verified_head(chain: Engine) -> None:
    first = _run("verify")
    second = _run("verify")

    assert first.exit_code == 0, first.output
    assert _flat(first) == (
        "OK: audit chain verified: 3 rows up to seq 3; no checkpoint yet; checkpoint now at seq 3"
    )
    assert second.exit_code == 0
    assert _flat(second) == (
        "OK: audit chain verified: 3 rows up to seq 3; checkpoint verified at seq 3"
    )


def test_verify_without_sealing_leaves_no_checkpoint(chain: Engine, settings: Settings) -> None:
    result = _run("verify", "--no-seal")

    assert result.exit_code == 0
    assert not settings.audit_checkpoint_path.exists()


def test_verify_fails_naming_the_edited_row(chain: Engine) -> None:
    with chain.begin() as connection:
        connection.execute(text("UPDATE auditevent SET purpose = 'review' WHERE seq = 2"))

    result = _run("verify")

    assert result.exit_code == 1
    assert "first broken link: seq 2" in _flat(result)
    assert "seq 2: its fields no longer match its hash (the row was edited)" in _flat(result)


def test_verify_fails_after_the_last_row_is_deleted(chain: Engine) -> None:
    assert _run("verify").exit_code == 0
    with chain.begin() as connection:
        connection.execute(
            text("DELETE FROM auditpayload WHERE event_id = (SELECT max(id) FROM auditevent)")
        )
        connection.execute(text("DELETE FROM auditpayload WHERE event_id = 3"))
        connection.execute(text("DELETE FROM auditevent WHERE seq = 3"))

    result = _run("verify")

    assert result.exit_code == 1
    assert "first broken link: seq 3" in _flat(result)
    assert "rows after seq 2 are missing" in _flat(result)


def test_embedded_database_without_an_audit_key_keeps_one_under_var(
    chain: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TANDEM_AUDIT_KEY")
    get_settings.cache_clear()

    assert _run("verify").exit_code == 0
    with chain.begin() as connection:
        connection.execute(text("DELETE FROM auditpayload WHERE event_id = 3"))
        connection.execute(text("DELETE FROM auditevent WHERE seq = 3"))
    result = _run("verify")

    assert (settings.var_dir / "audit.key").is_file()
    assert result.exit_code == 1
    assert "rows after seq 2 are missing" in _flat(result)


def test_server_database_without_an_audit_key_says_the_tail_is_unprotected(
    chain: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.runtime import open_runtime

    monkeypatch.delenv("TANDEM_AUDIT_KEY")
    monkeypatch.setenv("TANDEM_DATABASE_URL", "postgresql+psycopg://tandem@127.0.0.1/none")
    get_settings.cache_clear()

    assert open_runtime().settings.audit_key is None


def test_verify_on_an_empty_chain_passes(engine: Engine) -> None:
    result = _run("verify")

    assert result.exit_code == 0
    assert _flat(result) == "OK: audit chain is empty; no checkpoint yet"


def test_checkpoint_writes_one_now(chain: Engine, settings: Settings) -> None:
    result = _run("checkpoint")

    assert result.exit_code == 0
    assert _flat(result).startswith("Checkpoint written: 3 rows up to seq 3")
    assert settings.audit_checkpoint_path.is_file()


def test_checkpoint_without_an_audit_key_uses_the_embedded_key(
    chain: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TANDEM_AUDIT_KEY")
    get_settings.cache_clear()

    result = _run("checkpoint")

    assert result.exit_code == 0, result.output
    assert (settings.var_dir / "audit.key").is_file()
    assert settings.audit_checkpoint_path.is_file()


def test_log_lists_the_newest_events_without_payloads(chain: Engine) -> None:
    result = runner.invoke(audit_app, ["log", "--limit", "2"], env={"COLUMNS": "200"})

    assert result.exit_code == 0
    rows = _table_rows(result)
    assert [row[0] for row in rows] == ["3", "2"]
    assert rows[1][2:5] == ["demo-001", "draft_review", "demo-003"]
    assert rows[1][6:] == ["note:1, note:2, signal:3 +1", "offline / default@1", "120/80"]
    assert "secret" not in result.stdout


def test_log_filters_by_subject(chain: Engine) -> None:
    result = runner.invoke(audit_app, ["log", "--subject", "demo-002"], env={"COLUMNS": "200"})

    assert result.exit_code == 0
    assert [row[3] for row in _table_rows(result)] == ["denied", "prep_one_on_one"]


def test_log_for_an_unknown_subject_fails(chain: Engine) -> None:
    result = _run("log", "--subject", "nobody")

    assert result.exit_code == 1
    assert "no employee with external id 'nobody'" in _flat(result)
