"""SQLModel tables for the whole domain, one module per area.

Importing this package registers every table on `SQLModel.metadata`, which Alembic and the
test suite compare against the migrations.
"""

from storage.tables.audit import AuditEvent, AuditPayload, Dispute, MeasurementEvent
from storage.tables.learning import Assignment, Goal
from storage.tables.messaging import ConversationContext, InboxMessage, OutboxMessage
from storage.tables.people import ChatIdentity, Employee, PilotArm, SensitiveAttribute
from storage.tables.records import FollowUp, Meeting, MeetingOutcome, Note, Signal
from storage.tables.reviews import Review, ReviewCycle, ReviewVersion

__all__ = [
    "Assignment",
    "AuditEvent",
    "AuditPayload",
    "ChatIdentity",
    "ConversationContext",
    "Dispute",
    "Employee",
    "FollowUp",
    "Goal",
    "InboxMessage",
    "MeasurementEvent",
    "Meeting",
    "MeetingOutcome",
    "Note",
    "OutboxMessage",
    "PilotArm",
    "Review",
    "ReviewCycle",
    "ReviewVersion",
    "SensitiveAttribute",
    "Signal",
]
