"""The audit chain: appends, tamper detection, checkpoints, purges and concurrent writers."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import threading
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.audit import (
    GENESIS_HASH,
    CheckpointPolicy,
    VerifyReport,
    append_event,
    digest,
    event_hash,
    purge_payloads,
    verify_chain,
    write_checkpoint,
)
from storage.audit.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from storage.config import Settings
from storage.crypto import Keyring, install_keyring
from storage.db import make_engine, session_scope
from storage.tables import AuditEvent, AuditPayload, Dispute, Employee

KEY = "test-audit-key"


@pytest.fixture
def policy(settings: Settings) -> CheckpointPolicy:
    """Checkpoints every 5 events into the test's var/ folder, signed with the test key."""
    return CheckpointPolicy(path=settings.var_dir / "audit-checkpoint.json", key=KEY, every=5)


def _append(engine: Engine, policy: CheckpointPolicy, count: int, **fields: object) -> None:
    for number in range(count):
        with session_scope(engine) as session:
            append_event(
                session,
                actor_id=1,
                action="prep_one_on_one",
                subject_id=2,
                purpose="prep",
                record_ids=[f"note:{number}", f"signal:{number + 100}"],
                input_payload=f"prompt {number}",
                output_payload=f"output {number}",
                composer="offline",
                pack_version="default@1",
                checkpoints=policy,
                **fields,  # type: ignore[arg-type]
            )


def _verify(engine: Engine, policy: CheckpointPolicy, key: str | None = KEY) -> VerifyReport:
    with Session(engine) as session:
        return verify_chain(
            session, checkpoint_path=policy.path, audit_key=key, checkpoint_every=policy.every
        )


def _sql(engine: Engine, statement: str, **params: object) -> None:
    with engine.begin() as connection:
        connection.execute(text(statement), params)


def _delete_event(engine: Engine, seq: int) -> None:
    _sql(
        engine,
        "DELETE FROM auditpayload WHERE event_id IN (SELECT id FROM auditevent WHERE seq = :s)",
        s=seq,
    )
    _sql(engine, "DELETE FROM auditevent WHERE seq = :s", s=seq)


def test_a_chain_of_events_verifies_and_each_links_to_the_previous(
    any_engine: Engine, policy: CheckpointPolicy
) -> None:
    _append(any_engine, policy, 12)

    report = _verify(any_engine, policy)

    assert report.ok, report.problems
    assert (report.rows, report.head_seq, report.first_broken_seq) == (12, 12, None)
    assert (report.checkpoint, report.checkpoint_seq) == ("verified", 10)
    with Session(any_engine) as session:
        events = session.exec(select(AuditEvent).order_by(col(AuditEvent.seq))).all()
    assert [event.seq for event in events] == list(range(1, 13))
    assert events[0].prev_hash == GENESIS_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(events))
    assert events[3].input_digest == digest("prompt 3")
    assert events[3].record_ids == ["note:3", "signal:103"]


def test_the_payloads_are_kept_beside_the_chain_encrypted(
    any_engine: Engine, policy: CheckpointPolicy
) -> None:
    _append(any_engine, policy, 1)

    with any_engine.connect() as connection:
        stored = connection.execute(text("SELECT prompt, output FROM auditpayload")).one()
        chain_row = connection.execute(text("SELECT * FROM auditevent")).mappings().one()
    assert "prompt 0" not in stored.prompt
    assert "output 0" not in stored.output
    assert "prompt 0" not in json.dumps({k: str(v) for k, v in chain_row.items()})
    with Session(any_engine) as session:
        payload = session.exec(select(AuditPayload)).one()
    assert (payload.prompt, payload.output) == ("prompt 0", "output 0")


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE auditevent SET action = 'draft_review' WHERE seq = 5",
        """UPDATE auditevent SET record_ids = '["note:99"]' WHERE seq = 5""",
        "UPDATE auditevent SET subject_id = 3 WHERE seq = 5",
        "UPDATE auditevent SET tokens_in = 1000 WHERE seq = 5",
        "UPDATE auditevent SET output_digest = NULL WHERE seq = 5",
    ],
    ids=["action", "record_ids", "subject", "tokens", "digest"],
)
def test_editing_one_row_fails_naming_that_rows_seq(
    any_engine: Engine, policy: CheckpointPolicy, edit: str
) -> None:
    _append(any_engine, policy, 8)
    assert _verify(any_engine, policy).ok

    _sql(any_engine, edit)
    report = _verify(any_engine, policy)

    assert not report.ok
    assert report.first_broken_seq == 5
    assert report.problems[0].startswith("seq 5: ")
    assert "edited" in report.problems[0]


def test_rewriting_a_row_with_a_fresh_hash_breaks_the_next_link(
    any_engine: Engine, policy: CheckpointPolicy
) -> None:
    _append(any_engine, policy, 8)
    with Session(any_engine) as session:
        row = session.exec(select(AuditEvent).where(AuditEvent.seq == 4)).one()
        row.action = "draft_review"
        forged = event_hash(row)
    _sql(
        any_engine,
        "UPDATE auditevent SET action = 'draft_review', hash = :h WHERE seq = 4",
        h=forged,
    )

    report = _verify(any_engine, policy)

    assert not report.ok
    assert report.first_broken_seq == 5
    assert "prev_hash does not match the hash of seq 4" in report.problems[0]


def test_deleting_the_last_row_fails_through_the_checkpoint(
    any_engine: Engine, policy: CheckpointPolicy
) -> None:
    _append(any_engine, policy, 7)
    write_checkpoint(any_engine, path=policy.path, key=KEY)

    _delete_event(any_engine, 7)
    report = _verify(any_engine, policy)

    assert not report.ok
    assert report.first_broken_seq == 7
    assert report.checkpoint == "mismatch"
    assert "rows after seq 6 are missing" in report.problems[0]
    assert "7 rows up to seq 7" in report.problems[0]


def test_deleting_a_middle_row_fails_naming_the_missing_seq(
    any_engine: Engine, policy: CheckpointPolicy
) -> None:
    _append(any_engine, policy, 8)

    _delete_event(any_engine, 4)
    report = _verify(any_engine, policy)

    assert not report.ok
    assert report.first_broken_seq == 4
    assert report.problems[0] == "seq 4 missing: rows were deleted after seq 3"


def test_deleting_the_first_rows_fails(any_engine: Engine, policy: CheckpointPolicy) -> None:
    _append(any_engine, policy, 4)

    _delete_event(any_engine, 1)
    _delete_event(any_engine, 2)
    report = _verify(any_engine, policy)

    assert report.first_broken_seq == 1
    assert report.problems[0] == "seqs 1-2 missing: rows were deleted at the start of the chain"


@pytest.mark.parametrize("field", ["rows", "head_seq", "head_hash"])
def test_a_tampered_checkpoint_file_fails(
    any_engine: Engine, policy: CheckpointPolicy, field: str
) -> None:
    _append(any_engine, policy, 6)
    document = json.loads(policy.path.read_text())
    document[field] = {"rows": 4, "head_seq": 4, "head_hash": "f" * 64}[field]

    policy.path.write_text(json.dumps(document))
    report = _verify(any_engine, policy)

    assert not report.ok
    assert report.checkpoint == "invalid"
    assert "fails its HMAC" in report.problems[0]


def test_a_checkpoint_signed_with_another_key_fails(
    any_engine: Engine, policy: CheckpointPolicy
) -> None:
    _append(any_engine, policy, 5)

    report = _verify(any_engine, policy, key="another-key")

    assert not report.ok
    assert report.checkpoint == "invalid"


def test_an_unreadable_checkpoint_file_fails(any_engine: Engine, policy: CheckpointPolicy) -> None:
    _append(any_engine, policy, 5)

    policy.path.write_text("{not json")
    report = _verify(any_engine, policy)

    assert not report.ok
    assert report.problems[0].startswith("checkpoint unreadable")


def test_a_missing_checkpoint_fails_once_one_should_exist(
    any_engine: Engine, policy: CheckpointPolicy
) -> None:
    _append(any_engine, policy, 6)

    policy.path.unlink()
    report = _verify(any_engine, policy)

    assert not report.ok
    assert "no checkpoint at" in report.problems[0]


def test_a_short_chain_without_checkpoint_verifies(
    any_engine: Engine, policy: CheckpointPolicy
) -> None:
    _append(any_engine, policy, 3)

    report = _verify(any_engine, policy)

    assert report.ok
    assert report.checkpoint == "absent"
    assert not policy.path.exists()


def test_without_an_audit_key_checkpoints_are_skipped_and_verify_says_so(
    any_engine: Engine, policy: CheckpointPolicy, caplog: pytest.LogCaptureFixture
) -> None:
    unkeyed = CheckpointPolicy(path=policy.path, key=None, every=2)

    with caplog.at_level(logging.WARNING, logger="storage.audit.chain"):
        _append(any_engine, unkeyed, 4)
    report = _verify(any_engine, unkeyed, key=None)

    assert not unkeyed.path.exists()
    assert "TANDEM_AUDIT_KEY is not set" in caplog.text
    assert report.ok
    assert report.checkpoint == "unkeyed"


def test_a_checkpoint_is_written_only_once_the_append_commits(
    any_engine: Engine, policy: CheckpointPolicy
) -> None:
    every_event = CheckpointPolicy(path=policy.path, key=KEY, every=1)

    def append_then_fail() -> None:
        with session_scope(any_engine) as session:
            append_event(session, actor_id=1, action="prep", checkpoints=every_event)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError, match="rolled back"):
        append_then_fail()
    assert not policy.path.exists()

    _append(any_engine, every_event, 1)
    loaded = load_checkpoint(policy.path, KEY)
    assert loaded is not None
    assert loaded.authentic
    assert (loaded.checkpoint.rows, loaded.checkpoint.head_seq) == (1, 1)


def test_a_checkpoint_never_moves_backwards(tmp_path: Path) -> None:
    path = tmp_path / "checkpoint.json"
    now = datetime.now(UTC)
    newer = Checkpoint(rows=10, head_seq=10, head_hash="a" * 64, at=now)
    older = Checkpoint(rows=5, head_seq=5, head_hash="b" * 64, at=now)

    assert save_checkpoint(path, newer, KEY)
    assert not save_checkpoint(path, older, KEY)

    loaded = load_checkpoint(path, KEY)
    assert loaded is not None
    assert loaded.checkpoint == newer


def _dispute(session: Session, event_id: int | None, status: str) -> None:
    person = Employee(external_id=f"e-{event_id}-{status}", name="Erin Report")
    session.add(person)
    session.flush()
    assert person.id is not None
    session.add(
        Dispute(audit_event_id=event_id, employee_id=person.id, reason="why", status=status)
    )


def test_purged_payloads_still_verify_and_are_reported_as_purged(
    any_engine: Engine, policy: CheckpointPolicy
) -> None:
    old = datetime.now(UTC) - timedelta(days=400)
    _append(any_engine, policy, 5, at=old)
    _append(any_engine, policy, 2)
    with session_scope(any_engine) as session:
        ids = {e.seq: e.id for e in session.exec(select(AuditEvent)).all()}
        _dispute(session, ids[2], "open")
        _dispute(session, ids[3], "rejected")

    with session_scope(any_engine) as session:
        purged = purge_payloads(
            session, older_than=datetime.now(UTC) - timedelta(days=365), keep_event_ids={ids[1]}
        )
    report = _verify(any_engine, policy)

    assert purged == 3  # seqs 3-5: seq 1 is kept, seq 2 held by an open dispute
    assert report.ok, report.problems
    assert report.purged_payloads == 3
    with Session(any_engine) as session:
        payloads = {p.event_id: p for p in session.exec(select(AuditPayload)).all()}
        last = session.exec(select(AuditEvent).where(AuditEvent.seq == 8)).one()
    assert payloads[ids[4]].prompt is None
    assert payloads[ids[4]].purged_at is not None
    assert payloads[ids[2]].prompt == "prompt 1"
    assert last.action == "payloads_purged"
    assert last.record_ids == [f"auditevent:{ids[seq]}" for seq in (3, 4, 5)]


def test_purging_twice_purges_nothing_new(any_engine: Engine, policy: CheckpointPolicy) -> None:
    _append(any_engine, policy, 2, at=datetime.now(UTC) - timedelta(days=400))
    cutoff = datetime.now(UTC) - timedelta(days=365)

    with session_scope(any_engine) as session:
        first = purge_payloads(session, older_than=cutoff, keep_event_ids=set())
    with session_scope(any_engine) as session:
        second = purge_payloads(session, older_than=cutoff, keep_event_ids=set())

    assert (first, second) == (2, 0)
    assert _verify(any_engine, policy).rows == 3


def test_an_altered_payload_is_reported(any_engine: Engine, policy: CheckpointPolicy) -> None:
    _append(any_engine, policy, 3)
    with session_scope(any_engine) as session:
        payloads = session.exec(select(AuditPayload).order_by(col(AuditPayload.event_id))).all()
        payloads[1].output = "a different output"
        payloads[2].prompt = None

    report = _verify(any_engine, policy)

    assert not report.ok
    assert report.first_broken_seq is None
    assert report.problems == [
        "seq 2: the stored output does not match its digest (not purged)",
        "seq 3: the stored prompt is missing (not purged)",
    ]


def test_an_event_without_payloads_stores_no_payload_row(
    any_engine: Engine, policy: CheckpointPolicy
) -> None:
    with session_scope(any_engine) as session:
        event = append_event(session, actor_id=None, action="denied", checkpoints=policy)

    with Session(any_engine) as session:
        assert session.exec(select(AuditPayload)).all() == []
    assert event.input_digest is None
    assert _verify(any_engine, policy).ok


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"action": ""}, "needs an action"),
        ({"action": "x" * 65}, "action is longer than 64"),
        ({"action": "prep", "purpose": "p" * 33}, "purpose is longer than 32"),
        ({"action": "prep", "at": datetime(2026, 1, 1)}, "timezone-aware"),
        ({"action": "prep", "tokens_in": -1}, "negative"),
    ],
)
def test_an_event_out_of_shape_is_refused(
    engine: Engine, policy: CheckpointPolicy, fields: dict[str, object], message: str
) -> None:
    with Session(engine) as session, pytest.raises(ValueError, match=message):
        append_event(session, actor_id=1, checkpoints=policy, **fields)  # type: ignore[arg-type]


def test_the_unique_seq_refuses_a_second_row_with_the_same_number(
    any_engine: Engine, policy: CheckpointPolicy
) -> None:
    _append(any_engine, policy, 1)
    with Session(any_engine) as session:
        first = session.exec(select(AuditEvent)).one()
        session.add(AuditEvent(seq=1, at=first.at, action="fork", prev_hash="0" * 64, hash="x"))
        with pytest.raises(IntegrityError):
            session.commit()


def test_threads_appending_concurrently_never_fork_the_chain(
    any_engine: Engine, policy: CheckpointPolicy
) -> None:
    start = threading.Barrier(4)

    def writer(actor: int) -> None:
        start.wait()
        for _ in range(25):
            with session_scope(any_engine) as session:
                append_event(session, actor_id=actor, action="prep", checkpoints=policy)

    threads = [threading.Thread(target=writer, args=(actor,)) for actor in range(1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = _verify(any_engine, policy)

    assert report.ok, report.problems
    assert (report.rows, report.head_seq) == (100, 100)
    assert report.checkpoint == "verified"


def _append_from_process(
    url: str, search_path: str | None, key: str, policy: CheckpointPolicy, go: Barrier, actor: int
) -> None:
    """One writer process: 50 appends, each in its own transaction."""
    install_keyring(Keyring(key))
    engine = make_engine(url, search_path=search_path)
    go.wait()
    for number in range(50):
        with session_scope(engine) as session:
            append_event(
                session,
                actor_id=actor,
                action="prep",
                input_payload=f"prompt {actor}/{number}",
                checkpoints=policy,
            )
    engine.dispose()


@pytest.mark.slow
def test_two_processes_appending_concurrently_never_fork_the_chain(
    any_engine: Engine, policy: CheckpointPolicy
) -> None:
    url = any_engine.url.render_as_string(hide_password=False)
    search_path = None
    if any_engine.dialect.name == "postgresql":
        with any_engine.connect() as connection:
            search_path = connection.execute(text("SELECT current_schema()")).scalar_one()
    key = os.environ["TANDEM_ENCRYPTION_KEY"]  # the test's key, handed to the writers
    context = multiprocessing.get_context("spawn")
    go = context.Barrier(2)  # both writers start appending together
    writers = [
        context.Process(
            target=_append_from_process, args=(url, search_path, key, policy, go, actor)
        )
        for actor in (1, 2)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
    report = _verify(any_engine, policy)

    assert [writer.exitcode for writer in writers] == [0, 0]
    assert report.ok, report.problems
    assert (report.rows, report.head_seq) == (100, 100)
    assert report.checkpoint == "verified"
    with Session(any_engine) as session:
        actors = session.exec(select(AuditEvent.actor_id)).all()
    assert sorted(actors) == [1] * 50 + [2] * 50
