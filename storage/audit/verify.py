"""Verifying the audit chain: every hash, every link, the payload digests and the checkpoint.

The walk reads the chain in `seq` order, in batches, and checks that each row's hash still
matches its fields, that its `prev_hash` is the previous row's hash, and that no sequence
number is missing. The checkpoint (when there is a key) must be authentic, and the chain must
still hold the row count and head hash it recorded: fewer rows or another head means rows
were deleted from the end, or the chain was rewritten. Unpurged payloads must match their
digests; purged payloads are counted, never reported as broken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Row, Table, select
from sqlmodel import Session

from storage.audit.chain import GENESIS_HASH, digest, event_hash
from storage.audit.checkpoint import (
    Checkpoint,
    CheckpointError,
    load_checkpoint,
    save_checkpoint,
)
from storage.tables.audit import AuditEvent, AuditPayload
from storage.types import utcnow

CheckpointState = Literal["verified", "mismatch", "invalid", "absent", "unkeyed"]
"""verified: authentic and consistent; mismatch: authentic, but the chain disagrees with it;
invalid: unreadable or its HMAC fails; absent: no file yet; unkeyed: no key to check with."""

MAX_PROBLEMS = 20
_BATCH = 1000


@dataclass
class VerifyReport:
    """What `verify_chain` found; `problems` are plain sentences, the first broken link first."""

    ok: bool
    rows: int
    first_broken_seq: int | None
    problems: list[str]
    purged_payloads: int
    head_seq: int | None = None
    head_hash: str | None = None
    checkpoint: CheckpointState = "absent"
    checkpoint_seq: int | None = None
    omitted_problems: int = 0


@dataclass
class _Walk:
    """The state carried from one row to the next."""

    checkpoint: Checkpoint | None
    report: VerifyReport = field(
        default_factory=lambda: VerifyReport(
            ok=True, rows=0, first_broken_seq=None, problems=[], purged_payloads=0
        )
    )
    rows_to_checkpoint: int = 0
    hash_at_checkpoint: str | None = None

    def problem(self, message: str, *, seq: int | None = None) -> None:
        report = self.report
        report.ok = False
        if seq is not None and (report.first_broken_seq is None or seq < report.first_broken_seq):
            report.first_broken_seq = seq
        if len(report.problems) < MAX_PROBLEMS:
            report.problems.append(message)
        else:
            report.omitted_problems += 1

    def visit(self, row: Row[Any]) -> None:
        self._check_link(row)
        self._check_payload(row)
        report = self.report
        report.rows += 1
        report.head_seq, report.head_hash = row.seq, row.hash
        if self.checkpoint and row.seq <= self.checkpoint.head_seq:
            self.rows_to_checkpoint += 1
            if row.seq == self.checkpoint.head_seq:
                self.hash_at_checkpoint = row.hash

    def _check_link(self, row: Row[Any]) -> None:
        last_seq = self.report.head_seq or 0
        expected = last_seq + 1
        if row.seq > expected:
            missing = f"seq {expected}"
            if row.seq > expected + 1:
                missing = f"seqs {expected}-{row.seq - 1}"
            where = f"after seq {last_seq}" if last_seq else "at the start of the chain"
            self.problem(f"{missing} missing: rows were deleted {where}", seq=expected)
        elif row.seq < expected:
            self.problem(f"seq {row.seq}: out of order after seq {last_seq}", seq=row.seq)
        elif row.prev_hash != (self.report.head_hash or GENESIS_HASH):
            previous = f"seq {last_seq}" if last_seq else "the chain's start"
            self.problem(
                f"seq {row.seq}: its prev_hash does not match the hash of {previous} "
                "(one of the two rows was rewritten)",
                seq=row.seq,
            )
        if event_hash(row) != row.hash:
            self.problem(
                f"seq {row.seq}: its fields no longer match its hash (the row was edited)",
                seq=row.seq,
            )

    def _check_payload(self, row: Row[Any]) -> None:
        if row.payload_event_id is None:
            return
        if row.purged_at is not None:
            self.report.purged_payloads += 1
            return
        for name, stored, expected in (
            ("prompt", row.prompt, row.input_digest),
            ("output", row.output, row.output_digest),
        ):
            if digest(stored) != expected:
                state = "is missing" if stored is None else "does not match its digest"
                self.problem(f"seq {row.seq}: the stored {name} {state} (not purged)")

    def finish(self, checkpoint_path: Path) -> VerifyReport:
        checkpoint, report = self.checkpoint, self.report
        if checkpoint is None:
            return report
        last_seq = report.head_seq or 0
        when = checkpoint.at.isoformat(timespec="seconds")
        problems_before = len(report.problems) + report.omitted_problems
        if last_seq < checkpoint.head_seq:
            self.problem(
                f"rows after seq {last_seq} are missing: the checkpoint of {when} "
                f"({checkpoint_path}) records {checkpoint.rows} rows up to "
                f"seq {checkpoint.head_seq}",
                seq=last_seq + 1,
            )
        elif self.hash_at_checkpoint not in (None, checkpoint.head_hash):
            self.problem(
                f"seq {checkpoint.head_seq}: its hash differs from the checkpoint of {when} "
                "(the chain was rewritten up to there)",
                seq=checkpoint.head_seq,
            )
        elif self.rows_to_checkpoint != checkpoint.rows:
            self.problem(
                f"{self.rows_to_checkpoint} rows up to seq {checkpoint.head_seq}, but the "
                f"checkpoint of {when} records {checkpoint.rows}"
            )
        changed = len(report.problems) + report.omitted_problems > problems_before
        report.checkpoint = "mismatch" if changed else "verified"
        return report


def _chain_rows() -> Any:
    events: Table = AuditEvent.metadata.tables["auditevent"]
    payloads: Table = AuditPayload.metadata.tables["auditpayload"]
    return (
        select(
            *events.c,
            payloads.c.event_id.label("payload_event_id"),
            payloads.c.prompt,
            payloads.c.output,
            payloads.c.purged_at,
        )
        .outerjoin(payloads, payloads.c.event_id == events.c.id)
        .order_by(events.c.seq)
        .execution_options(yield_per=_BATCH)
    )


def verify_chain(
    session: Session,
    *,
    checkpoint_path: Path,
    audit_key: str | None,
    checkpoint_every: int | None = None,
) -> VerifyReport:
    """Check the whole chain and its checkpoint; never raises for what it finds.

    Args:
        checkpoint_path: the checkpoint file (`audit.checkpoint_path`).
        audit_key: `TANDEM_AUDIT_KEY`; None skips the checkpoint, and the report says so.
        checkpoint_every: when given, a missing checkpoint file is a problem once the chain
            has at least this many rows (one should have been written by then).
    """
    walk = _Walk(checkpoint=None)
    if audit_key:
        walk.checkpoint = _load(walk, checkpoint_path, audit_key)
    else:
        walk.report.checkpoint = "unkeyed"

    for row in session.exec(_chain_rows()):
        walk.visit(row)
    report = walk.finish(checkpoint_path)

    if report.checkpoint == "absent" and checkpoint_every and report.rows >= checkpoint_every:
        walk.problem(
            f"no checkpoint at {checkpoint_path} although the chain has {report.rows} rows "
            f"(one is written every {checkpoint_every}); if TANDEM_AUDIT_KEY was only just "
            "set, run `tandem audit checkpoint`"
        )
    if walk.checkpoint is not None:
        report.checkpoint_seq = walk.checkpoint.head_seq
    return report


def _load(walk: _Walk, path: Path, key: str) -> Checkpoint | None:
    try:
        loaded = load_checkpoint(path, key)
    except CheckpointError as exc:
        walk.report.checkpoint = "invalid"
        walk.problem(f"checkpoint unreadable: {exc}")
        return None
    if loaded is None:
        return None
    if not loaded.authentic:
        walk.report.checkpoint = "invalid"
        walk.problem(
            f"checkpoint {path} fails its HMAC: it was altered, or signed with another "
            "TANDEM_AUDIT_KEY"
        )
        return None
    return loaded.checkpoint


def seal(report: VerifyReport, *, path: Path, key: str) -> Checkpoint | None:
    """Checkpoint exactly the head a successful verification saw; None when nothing to seal.

    Sealing what was just verified (rather than re-reading the head) never vouches for rows
    appended after the walk.
    """
    if not report.ok or report.head_seq is None or report.head_hash is None:
        return None
    if report.checkpoint_seq == report.head_seq and report.checkpoint == "verified":
        return None
    checkpoint = Checkpoint(
        rows=report.rows, head_seq=report.head_seq, head_hash=report.head_hash, at=utcnow()
    )
    return checkpoint if save_checkpoint(path, checkpoint, key) else None
