"""Policy: may this requester see this subject, for this purpose, and which fields?

It runs before any evidence is read. The scope is the organisation chart: a manager sees
their direct reports (and indirect ones when `org.include_indirect_reports` is on), an
employee sees themself, an HR admin sees everyone. Within that scope, the data policy in
`app.yaml` decides, field by field, what may serve the purpose and who may read it.

A subject outside the scope is indistinguishable from one that does not exist: callers get
`None` from `resolve_subject` in both cases and must answer the same way.

Errors:
    PolicyError
      +-- AccessDeniedError: the requester may not act on the subject for the purpose.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlmodel import Session, col

from storage.config import Settings
from storage.data_policy import Consumer, DataPolicy, Purpose
from storage.tables import Employee, Note


class Role(StrEnum):
    """What a person may do in Tandem."""

    EMPLOYEE = "employee"
    MANAGER = "manager"
    HR = "hr"


class Relation(StrEnum):
    """How a requester stands to a subject."""

    SELF = "self"
    MANAGER = "manager"
    HR = "hr"
    NONE = "none"


class PolicyError(Exception):
    """Base of the policy errors."""


class AccessDeniedError(PolicyError):
    """The requester may not act on the subject for this purpose."""

    def __init__(self, *, requester_id: int, subject_id: int, purpose: str) -> None:
        super().__init__(f"access denied (requester={requester_id}, purpose={purpose})")
        self.requester_id = requester_id
        self.subject_id = subject_id
        self.purpose = purpose


@dataclass(frozen=True)
class Requester:
    """The person asking, with their roles and the people in their line."""

    employee_id: int
    name: str
    roles: frozenset[Role]
    line: frozenset[int]

    @property
    def is_hr(self) -> bool:
        """True for HR admins."""
        return Role.HR in self.roles

    @property
    def is_manager(self) -> bool:
        """True for people with reports."""
        return Role.MANAGER in self.roles


@dataclass(frozen=True)
class Access:
    """A granted access: who, about whom, for what, and which fields."""

    requester: Requester
    subject_id: int
    purpose: Purpose
    relation: Relation
    fields: frozenset[str]
    excluded: frozenset[str]
    author_fields: frozenset[str] = frozenset()

    def allows(self, field: str) -> bool:
        """True when the field may enter evidence for this access."""
        return field in self.fields


CONSUMER_FOR = {Relation.SELF: "self", Relation.MANAGER: "manager", Relation.HR: "hr"}


def line_of(session: Session, manager_id: int, *, indirect: bool) -> frozenset[int]:
    """The ids of a manager's direct reports, and their reports' reports when `indirect`."""
    found: set[int] = set()
    frontier = {manager_id}
    while frontier:
        rows = session.execute(
            select(col(Employee.id)).where(col(Employee.manager_id).in_(frontier))
        ).scalars()
        frontier = {row for row in rows if row not in found and row != manager_id}
        found |= frontier
        if not indirect:
            break
    return frozenset(found)


def requester_for(session: Session, employee: Employee, settings: Settings) -> Requester:
    """Build the requester for an employee: roles from the chart and the HR list."""
    assert employee.id is not None
    line = line_of(session, employee.id, indirect=settings.org.include_indirect_reports)
    roles = {Role.EMPLOYEE}
    if line:
        roles.add(Role.MANAGER)
    hr_emails = {email.lower() for email in settings.org.hr_admins}
    if employee.is_hr_admin or (employee.email or "").lower() in hr_emails:
        roles.add(Role.HR)
    return Requester(employee.id, employee.name, frozenset(roles), line)


def relation_to(requester: Requester, subject_id: int) -> Relation:
    """How the requester stands to the subject; HR outranks a manager relation."""
    if subject_id == requester.employee_id:
        return Relation.SELF
    if requester.is_hr:
        return Relation.HR
    if subject_id in requester.line:
        return Relation.MANAGER
    return Relation.NONE


def visible_people(session: Session, requester: Requester) -> list[Employee]:
    """Everyone the requester may ask about, themself included."""
    query = select(Employee)
    if not requester.is_hr:
        ids = {requester.employee_id, *requester.line}
        query = query.where(col(Employee.id).in_(ids))
    return list(session.execute(query.order_by(Employee.name)).scalars())


def fields_for(policy: DataPolicy, purpose: Purpose, relation: Relation) -> frozenset[str]:
    """The policy fields that serve `purpose` and that this relation may read."""
    consumer = CONSUMER_FOR.get(relation)
    if consumer is None:
        return frozenset()
    return frozenset(
        name
        for name, rule in policy.fields.items()
        if purpose in rule.purposes and consumer in rule.consumers
    )


def grant(
    requester: Requester, subject_id: int, purpose: Purpose, policy: DataPolicy
) -> Access | None:
    """The access the requester has to the subject for the purpose, or None."""
    relation = relation_to(requester, subject_id)
    if relation is Relation.NONE:
        return None
    if purpose == "fairness_audit" and relation is not Relation.HR:
        return None
    fields = fields_for(policy, purpose, relation)
    author_fields = frozenset(
        name
        for name, rule in policy.fields.items()
        if purpose in rule.purposes and "author" in rule.consumers
    )
    excluded = frozenset(policy.fields) - fields - author_fields
    return Access(requester, subject_id, purpose, relation, fields, excluded, author_fields)


def require(requester: Requester, subject_id: int, purpose: Purpose, policy: DataPolicy) -> Access:
    """Like `grant`, but raise `AccessDeniedError` instead of returning None."""
    access = grant(requester, subject_id, purpose, policy)
    if access is None:
        raise AccessDeniedError(
            requester_id=requester.employee_id, subject_id=subject_id, purpose=purpose
        )
    return access


def note_field(note: Note) -> str:
    """The policy field a note belongs to: its category first, then privacy, then kind."""
    if note.category in ("medical", "disciplinary"):
        return f"record.{note.category}"
    if note.visibility == "private":
        return "note.private"
    return f"note.{note.kind}"


def may_read_note(access: Access, note: Note) -> bool:
    """True when the note's field is allowed and, for private notes, the reader wrote it."""
    field = note_field(note)
    if field in access.author_fields:
        return note.author_id == access.requester.employee_id
    return access.allows(field)


def allowed_signal_kinds(access: Access, kinds: Iterable[str]) -> list[str]:
    """The signal kinds whose fields the access allows."""
    return sorted(kind for kind in kinds if access.allows(f"signal.{kind}"))


def consumers_label(consumers: Sequence[Consumer]) -> str:
    """A readable list of who may read a field."""
    words = {"manager": "your manager", "self": "you", "hr": "HR", "author": "its author only"}
    return ", ".join(words[consumer] for consumer in consumers)
