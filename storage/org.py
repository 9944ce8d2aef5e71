"""The organisation chart as rows: who reports to whom, and the default console user."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from storage.tables import ChatIdentity, Employee, ReviewCycle

DEMO_FIRST_MANAGER = "demo-001"


class OrgRow(NamedTuple):
    """One person in the chart."""

    external_id: str
    name: str
    title: str | None
    department: str | None
    email: str | None
    manager: str | None
    reports: int
    active: bool


def org_rows(session: Session, *, manager_id: int | None = None) -> list[OrgRow]:
    """Everyone (or one manager's direct reports), with manager names and report counts."""
    boss = aliased(Employee)
    report_counts = (
        select(col(Employee.manager_id), func.count().label("n"))
        .group_by(col(Employee.manager_id))
        .subquery()
    )
    query = (
        select(Employee, col(boss.name), func.coalesce(report_counts.c.n, 0))
        .outerjoin(boss, col(Employee.manager_id) == boss.id)
        .outerjoin(report_counts, report_counts.c.manager_id == col(Employee.id))
        .order_by(col(Employee.department), col(Employee.name))
    )
    if manager_id is not None:
        query = query.where(col(Employee.manager_id) == manager_id)
    return [
        OrgRow(
            person.external_id,
            person.name,
            person.title,
            person.department,
            person.email,
            manager_name,
            int(reports),
            person.is_active,
        )
        for person, manager_name, reports in session.execute(query).all()
    ]


def default_user(session: Session) -> Employee | None:
    """The demo's first manager, else the first active person with reports, else anyone."""
    demo = session.execute(
        select(Employee).where(col(Employee.external_id) == DEMO_FIRST_MANAGER)
    ).scalar_one_or_none()
    if demo is not None:
        return demo
    has_reports = select(col(Employee.manager_id)).where(col(Employee.manager_id).is_not(None))
    manager = session.execute(
        select(Employee)
        .where(col(Employee.id).in_(has_reports), col(Employee.is_active).is_(True))
        .order_by(col(Employee.id))
        .limit(1)
    ).scalar_one_or_none()
    if manager is not None:
        return manager
    return session.execute(
        select(Employee).order_by(col(Employee.id)).limit(1)
    ).scalar_one_or_none()


def chat_aliases(session: Session, employee_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Each person's channel user ids (Slack `U0...`, Teams ids), for resolving mentions."""
    rows = session.execute(
        select(col(ChatIdentity.employee_id), col(ChatIdentity.channel_user_id)).where(
            col(ChatIdentity.employee_id).in_(employee_ids)
        )
    ).all()
    found: dict[int, list[str]] = {}
    for employee_id, user_id in rows:
        found.setdefault(employee_id, []).append(user_id)
    return {employee_id: tuple(ids) for employee_id, ids in found.items()}


def cycle_names(session: Session) -> list[str]:
    """The names of every review cycle, newest first."""
    query = select(col(ReviewCycle.name)).order_by(col(ReviewCycle.period_end).desc())
    return list(session.execute(query).scalars())
