"""Keyed checkpoints of the audit chain, kept in a file outside the database.

A checkpoint records how many audit rows existed, the head's sequence number and hash, and
when it was taken, signed with HMAC-SHA256 under `TANDEM_AUDIT_KEY`. Someone who can edit the
database but not this file (or does not hold the key) cannot delete rows from the end of the
chain, or rewrite it and re-link the hashes, without `tandem audit verify` noticing.

The file is replaced atomically, and never moved backwards: a checkpoint for an older head
than the one on file is not written (two processes may finish their commits out of order).

Errors:
    CheckpointError (ValueError): the file cannot be parsed as a checkpoint.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select
from sqlmodel import col

from storage.tables.audit import AuditEvent
from storage.types import utcnow

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1


class CheckpointError(ValueError):
    """The checkpoint file is not a readable checkpoint; `path` names it."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


@dataclass(frozen=True)
class Checkpoint:
    """What the chain looked like when the checkpoint was taken."""

    rows: int
    head_seq: int
    head_hash: str
    at: datetime

    def signed_document(self, key: str) -> dict[str, Any]:
        """The JSON document for the file: these fields plus their HMAC under `key`."""
        document = self._fields()
        document["hmac"] = _mac(document, key)
        return document

    def _fields(self) -> dict[str, Any]:
        fields = asdict(self)
        fields["at"] = self.at.isoformat()
        fields["version"] = FORMAT_VERSION
        return fields


@dataclass(frozen=True)
class LoadedCheckpoint:
    """A checkpoint read back from its file, and whether its HMAC holds under the key."""

    checkpoint: Checkpoint
    authentic: bool


def _mac(fields: dict[str, Any], key: str) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hmac.new(key.encode("utf-8"), canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def read_head(connection: Connection) -> Checkpoint | None:
    """The chain's current row count and head, or None when the chain is empty."""
    rows, head_seq = connection.execute(select(func.count(), func.max(AuditEvent.seq))).one()
    if not rows:
        return None
    head_hash = connection.execute(
        select(col(AuditEvent.hash)).where(col(AuditEvent.seq) == head_seq)
    ).scalar_one()
    return Checkpoint(rows=rows, head_seq=head_seq, head_hash=head_hash, at=utcnow())


def load_checkpoint(path: Path, key: str) -> LoadedCheckpoint | None:
    """Read the checkpoint at `path`, or None when there is no file.

    Raises:
        CheckpointError: the file exists but is not a well-formed checkpoint.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CheckpointError(f"cannot be read ({exc.strerror})", path=path) from None
    try:
        document = json.loads(text)
        stored_mac = str(document.pop("hmac"))
        checkpoint = Checkpoint(
            rows=int(document["rows"]),
            head_seq=int(document["head_seq"]),
            head_hash=str(document["head_hash"]),
            at=datetime.fromisoformat(document["at"]),
        )
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise CheckpointError(f"is not a checkpoint ({exc!r})", path=path) from None
    authentic = hmac.compare_digest(stored_mac, _mac(document, key))
    return LoadedCheckpoint(checkpoint=checkpoint, authentic=authentic)


def save_checkpoint(path: Path, checkpoint: Checkpoint, key: str) -> bool:
    """Write `checkpoint` to `path` atomically, unless the file already holds a later head.

    Returns:
        True when written; False when an authentic checkpoint of a later head was kept.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            current = load_checkpoint(path, key)
        except CheckpointError:
            current = None
        if current and current.authentic and current.checkpoint.head_seq > checkpoint.head_seq:
            logger.debug("Audit checkpoint kept (on file=%d)", current.checkpoint.head_seq)
            return False

        document = json.dumps(checkpoint.signed_document(key), indent=2, sort_keys=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(document + "\n")
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)
    logger.info(
        "Audit checkpoint written (rows=%d, head_seq=%d)", checkpoint.rows, checkpoint.head_seq
    )
    return True
