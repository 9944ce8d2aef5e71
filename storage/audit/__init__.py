"""The audit trail: an append-only, hash-chained log of who did what, and its verification.

Each `AuditEvent` holds metadata and digests only: actor, action, subject, purpose, the ids
of the records used (strings naming a table and a row, such as `"note:12"`), SHA-256 digests
of the inputs (the prompt) and of the output, composer and prompt-pack versions, token usage,
its sequence number (1, 2, ...), the previous event's hash (64 zeros for the first) and its
own hash over all of these. The payloads sit beside the chain in `AuditPayload`, encrypted;
retention purges them (`purge_payloads`) without touching the chain, so a purged payload
shows up in `verify_chain` as purged, never as broken.

Appends are serialised so that two processes never fork the chain: PostgreSQL takes a
transaction-level advisory lock before reading the head; SQLite takes the database's write
lock first, so reading the head and inserting after it are one atomic step. The unique
constraint on `seq` is the last line of defence. The lock is held until the caller's
transaction ends: keep audit appends at the end of short transactions. PostgreSQL sessions
must run at READ COMMITTED (the default), so the head read after the lock is the newest.

Every `audit.checkpoint_every` events, once the append has committed, and on demand
(`tandem audit checkpoint`, or after `tandem audit verify` succeeds), a checkpoint of the
chain (row count, head seq and hash, time) is written to `audit.checkpoint_path`, outside
the database, signed with HMAC-SHA256 under `TANDEM_AUDIT_KEY`. Without the key no
checkpoint is written (with a warning) and verification says that deleted tail rows cannot
be detected.

Limitations: rows appended after the newest checkpoint can be deleted from the end of the
chain unnoticed; a checkpoint only protects what it saw. With several replicas the
checkpoint file should sit on storage they share.

Errors:
    ValueError: an event field is out of shape (empty action, naive time, ...).
      +-- CheckpointError: the checkpoint file cannot be parsed (`path` names it).
"""

from storage.audit.chain import (
    GENESIS_HASH,
    CheckpointPolicy,
    append_event,
    digest,
    event_hash,
    purge_payloads,
    recent_events,
    write_checkpoint,
)
from storage.audit.checkpoint import Checkpoint, CheckpointError
from storage.audit.verify import CheckpointState, VerifyReport, seal, verify_chain

__all__ = [
    "GENESIS_HASH",
    "Checkpoint",
    "CheckpointError",
    "CheckpointPolicy",
    "CheckpointState",
    "VerifyReport",
    "append_event",
    "digest",
    "event_hash",
    "purge_payloads",
    "recent_events",
    "seal",
    "verify_chain",
    "write_checkpoint",
]
