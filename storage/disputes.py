"""Disputes: listing open ones and recording HR's resolution."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlmodel import Session, col

from storage.tables import Dispute


class DisputeNotFoundError(LookupError):
    """No dispute has this id."""

    def __init__(self, dispute_id: int) -> None:
        super().__init__(f"no dispute X{dispute_id}")
        self.dispute_id = dispute_id


class DisputeClosedError(ValueError):
    """The dispute was already resolved."""

    def __init__(self, dispute_id: int, status: str) -> None:
        super().__init__(f"dispute X{dispute_id} is already {status}")
        self.dispute_id = dispute_id


def open_disputes(session: Session) -> list[Dispute]:
    """Every unresolved dispute, oldest first."""
    query = select(Dispute).where(col(Dispute.status) == "open").order_by(col(Dispute.id))
    return list(session.execute(query).scalars())


def open_event_ids(session: Session) -> set[int]:
    """Audit events held by an open dispute (retention must keep their payloads)."""
    rows = session.execute(
        select(col(Dispute.audit_event_id)).where(
            col(Dispute.status) == "open", col(Dispute.audit_event_id).is_not(None)
        )
    ).scalars()
    return {row for row in rows if row is not None}


def resolve(
    session: Session,
    dispute_id: int,
    *,
    outcome: Literal["upheld", "rejected"],
    note: str,
    resolved_by: int,
    now: datetime,
) -> Dispute:
    """Record HR's decision on an open dispute."""
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise DisputeNotFoundError(dispute_id)
    if dispute.status != "open":
        raise DisputeClosedError(dispute_id, dispute.status)
    dispute.status = outcome
    dispute.resolution = note
    dispute.resolved_by = resolved_by
    dispute.resolved_at = now
    session.add(dispute)
    return dispute
