"""`tandem retention run`: expired context and old payloads go; the chain still verifies."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select
from sqlmodel import Session
from typer.testing import CliRunner

from bot.cli.main import app
from storage.audit import CheckpointPolicy, append_event, verify_chain
from storage.config import Settings
from storage.conversation import save_context
from storage.db import session_scope
from storage.tables import AuditPayload, ConversationContext
from storage.types import utcnow

runner = CliRunner()


def test_retention_purges_expired_context_and_old_payloads(
    engine: Engine, settings: Settings
) -> None:
    now = utcnow()
    old = now - timedelta(days=settings.audit.payload_retention_days + 1)
    with session_scope(engine) as session:
        save_context(
            session,
            channel="console",
            user_key="a@x",
            thread="",
            data={"intent": "x"},
            now=old,
            retention=timedelta(days=1),
        )
        save_context(
            session,
            channel="console",
            user_key="b@x",
            thread="",
            data={"intent": "y"},
            now=now,
            retention=timedelta(days=1),
        )
        append_event(
            session,
            actor_id=1,
            action="prep_one_on_one",
            input_payload="in",
            output_payload="out",
            at=old,
        )
        append_event(
            session,
            actor_id=1,
            action="prep_one_on_one",
            input_payload="in",
            output_payload="out",
            at=now,
        )

    result = runner.invoke(app, ["retention", "run"])

    assert result.exit_code == 0, result.output
    assert "Purged 1 expired conversation context(s) and 1 audit payload(s)" in result.output
    with Session(engine) as session:
        assert len(session.execute(select(ConversationContext)).scalars().all()) == 1
        payloads = session.execute(select(AuditPayload)).scalars().all()
        assert sum(1 for payload in payloads if payload.purged_at is not None) == 1
        policy = CheckpointPolicy.from_settings(settings)
        report = verify_chain(session, checkpoint_path=policy.path, audit_key=policy.key)
    assert report.ok
    assert report.purged_payloads == 1
