"""Appending to the audit chain: hashing, serialised appends, checkpoints and purges.

See the package docstring (`storage.audit`) for what the chain holds and why.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select, update

from storage.audit.checkpoint import Checkpoint, read_head, save_checkpoint
from storage.config import Settings, get_settings
from storage.tables.audit import AuditEvent, AuditPayload, Dispute
from storage.types import utcnow

logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
HASH_FORMAT = 1
# One fixed advisory-lock key for the audit chain ("tandem" in ASCII).
_PG_LOCK_KEY = 0x74616E64656D
_SHORT_FIELDS = {"action": 64, "purpose": 32, "composer": 64, "pack_version": 64}
_PENDING_KEY = "tandem.audit.checkpoint_pending"


class ChainFields(Protocol):
    """What the hash covers: an `AuditEvent` or a row read back from its table."""

    seq: int
    at: datetime
    actor_id: int | None
    action: str
    subject_id: int | None
    purpose: str | None
    record_ids: list[str]
    input_digest: str | None
    output_digest: str | None
    composer: str | None
    pack_version: str | None
    tokens_in: int | None
    tokens_out: int | None
    prev_hash: str


@dataclass(frozen=True)
class CheckpointPolicy:
    """Where checkpoints go, the key that signs them, and how often they are written."""

    path: Path
    key: str | None
    every: int

    @classmethod
    def from_settings(cls, settings: Settings) -> CheckpointPolicy:
        """The policy configured in `app.yaml` and `TANDEM_AUDIT_KEY`."""
        key = settings.audit_key.get_secret_value() if settings.audit_key else None
        return cls(
            path=settings.audit_checkpoint_path,
            key=key or None,
            every=settings.audit.checkpoint_every,
        )


def digest(payload: str | None) -> str | None:
    """The SHA-256 hex digest of a payload's UTF-8 text, or None for no payload."""
    if payload is None:
        return None
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def event_hash(fields: ChainFields) -> str:
    """The hash of one link: SHA-256 over a canonical JSON of its fields and `prev_hash`."""
    document: dict[str, Any] = {
        "v": HASH_FORMAT,
        "seq": fields.seq,
        "at": fields.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": fields.actor_id,
        "action": fields.action,
        "subject_id": fields.subject_id,
        "purpose": fields.purpose,
        "record_ids": list(fields.record_ids),
        "input_digest": fields.input_digest,
        "output_digest": fields.output_digest,
        "composer": fields.composer,
        "pack_version": fields.pack_version,
        "tokens_in": fields.tokens_in,
        "tokens_out": fields.tokens_out,
        "prev_hash": fields.prev_hash,
    }
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append_event(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    subject_id: int | None = None,
    purpose: str | None = None,
    record_ids: Iterable[str | int] = (),
    input_payload: str | None = None,
    output_payload: str | None = None,
    composer: str | None = None,
    pack_version: str | None = None,
    tokens_in: int | None = None,
    tokens_out: int | None = None,
    at: datetime | None = None,
    checkpoints: CheckpointPolicy | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction, and return it.

    Args:
        input_payload: the prompt or inputs; stored encrypted beside the chain, digested in it.
        output_payload: the output; stored and digested the same way.
        at: when it happened (aware); now by default.
        checkpoints: where and how often to checkpoint; from the settings by default.

    Raises:
        ValueError: a field is out of shape.
    """
    if at is not None and at.tzinfo is None:
        raise ValueError("audit time must be timezone-aware")
    entry = AuditEvent(
        seq=0,
        at=(at or utcnow()).astimezone(UTC),
        actor_id=actor_id,
        action=action,
        subject_id=subject_id,
        purpose=purpose,
        record_ids=[str(record) for record in record_ids],
        input_digest=digest(input_payload),
        output_digest=digest(output_payload),
        composer=composer,
        pack_version=pack_version,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        prev_hash="",
        hash="",
    )
    _validate(entry)

    _lock_chain(session)
    head = session.exec(
        select(AuditEvent.seq, AuditEvent.hash).order_by(col(AuditEvent.seq).desc()).limit(1)
    ).first()
    entry.seq, entry.prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    entry.hash = event_hash(entry)
    session.add(entry)
    session.flush()
    if input_payload is not None or output_payload is not None:
        assert entry.id is not None
        session.add(AuditPayload(event_id=entry.id, prompt=input_payload, output=output_payload))
        session.flush()

    policy = checkpoints or CheckpointPolicy.from_settings(get_settings())
    if entry.seq % policy.every == 0:
        _checkpoint_after_commit(session, policy)
    logger.debug("Audit event appended (seq=%d, action=%s)", entry.seq, action)
    return entry


def _validate(entry: AuditEvent) -> None:
    if not entry.action:
        raise ValueError("an audit event needs an action")
    for name, limit in _SHORT_FIELDS.items():
        value = getattr(entry, name)
        if value is not None and len(value) > limit:
            raise ValueError(f"audit {name} is longer than {limit} characters")
    if min(entry.tokens_in or 0, entry.tokens_out or 0) < 0:
        raise ValueError("token counts cannot be negative")


def _lock_chain(session: Session) -> None:
    """Hold the chain's write lock until the transaction ends."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.connection().execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY}
        )
    elif dialect == "sqlite":
        # A write that changes nothing still takes SQLite's single write lock (waiting up to
        # the busy timeout), and no snapshot is read before it that could go stale.
        session.connection().execute(text("UPDATE auditevent SET seq = seq WHERE 1 = 0"))
    else:
        raise ValueError(f"audit appends are not serialised on {dialect}")


def _checkpoint_after_commit(session: Session, policy: CheckpointPolicy) -> None:
    """Write a checkpoint once the caller's transaction has committed (at most one pending)."""
    if policy.key is None:
        logger.warning(
            "Audit checkpoint skipped: TANDEM_AUDIT_KEY is not set, so deleted tail rows "
            "cannot be detected"
        )
        return
    if session.info.get(_PENDING_KEY):
        return
    engine = session.get_bind().engine
    session.info[_PENDING_KEY] = True

    def on_commit(committed: Session) -> None:
        committed.info.pop(_PENDING_KEY, None)
        try:
            write_checkpoint(engine, path=policy.path, key=policy.key or "")
        except (OSError, SQLAlchemyError) as exc:
            logger.warning("Audit checkpoint not written (path=%s): %s", policy.path, exc)

    event.listen(session, "after_commit", on_commit, once=True)


def write_checkpoint(engine: Engine, *, path: Path, key: str) -> Checkpoint | None:
    """Write a keyed checkpoint of the committed chain now; None when the chain is empty.

    A checkpoint older than the one already on file is not written (see `save_checkpoint`).
    """
    if not key:
        raise ValueError("a checkpoint needs TANDEM_AUDIT_KEY")
    with engine.connect() as connection:
        head = read_head(connection)
    if head is None:
        return None
    save_checkpoint(path, head, key)
    return head


def purge_payloads(session: Session, *, older_than: datetime, keep_event_ids: set[int]) -> int:
    """Remove the prompts and outputs of events before `older_than`; return how many.

    Events in `keep_event_ids`, and any event held by an open dispute, keep their payloads.
    The chain keeps the digests, so it still verifies; the purge is itself audited.
    """
    held = set(keep_event_ids) | set(
        session.exec(
            select(Dispute.audit_event_id).where(
                Dispute.status == "open", col(Dispute.audit_event_id).is_not(None)
            )
        ).all()
    )
    due = session.exec(
        select(AuditPayload.event_id)
        .join(AuditEvent, col(AuditEvent.id) == col(AuditPayload.event_id))
        .where(AuditEvent.at < older_than, col(AuditPayload.purged_at).is_(None))
    ).all()
    purged = sorted(event_id for event_id in due if event_id not in held)

    now = utcnow()
    for start in range(0, len(purged), 500):
        chunk = purged[start : start + 500]
        session.exec(
            update(AuditPayload)
            .where(col(AuditPayload.event_id).in_(chunk))
            .values(prompt=None, output=None, purged_at=now)
        )
    if purged:
        append_event(
            session,
            actor_id=None,
            action="payloads_purged",
            record_ids=[f"auditevent:{event_id}" for event_id in purged],
        )
    logger.info("Audit payloads purged (count=%d, held=%d)", len(purged), len(held))
    return len(purged)


def recent_events(
    session: Session, *, limit: int = 20, subject_id: int | None = None
) -> list[AuditEvent]:
    """The newest events (metadata only), newest first, optionally about one subject."""
    query = select(AuditEvent).order_by(col(AuditEvent.seq).desc()).limit(limit)
    if subject_id is not None:
        query = query.where(AuditEvent.subject_id == subject_id)
    return list(session.exec(query).all())
