"""People upserts: employees by external id, their manager links and sensitive attributes.

Only the fields a mapping maps are compared and written, so a value set elsewhere (an email
added by hand) survives a re-import. A person counts as updated when any mapped field or
their manager changed; the manager link is set after every person has an id, so a manager
may appear after their reports in the file. When the mapping gives a termination date but
no active flag, a person with a termination date is stored as inactive.

In a dry run nothing is written; people who would be created get negative stand-in ids so
the rest of the import (managers, signals) is checked and counted exactly as it would run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from storage.hris.errors import Issue
from storage.hris.managers import ManagerLinks, link_by_id, link_by_name
from storage.hris.mapping import Mapping
from storage.hris.plan import PersonRow
from storage.hris.report import ImportReport
from storage.tables import Employee, SensitiveAttribute
from storage.types import utcnow

logger = logging.getLogger(__name__)

IN_CHUNK = 500  # values an IN (...) list carries


class PeopleWriter:
    """Upserts the people of one file on one connection."""

    def __init__(
        self, connection: Connection, mapping: Mapping, *, dry_run: bool, report: ImportReport
    ) -> None:
        self._connection = connection
        self._mapping = mapping
        self._dry_run = dry_run
        self._report = report
        self._employees: Table = Employee.__table__  # type: ignore[attr-defined]
        self._sensitive: Table = SensitiveAttribute.__table__  # type: ignore[attr-defined]
        self._stand_in = 0

    def check_keys(self, rows: list[PersonRow], issues: list[Issue]) -> None:
        """Refuse a second row with the same external id."""
        assert self._mapping.people is not None  # a people mapping
        column = self._mapping.people.fields["external_id"].column
        first_line: dict[str, int] = {}
        for row in rows:
            seen = first_line.setdefault(row.external_id, row.line)
            if seen != row.line:
                reason = f"duplicate key external_id {row.external_id!r} (first on line {seen})"
                issues.append(Issue(row.line, column, reason))

    def link_managers(self, rows: list[PersonRow], issues: list[Issue]) -> ManagerLinks:
        """Resolve each row's manager to an external id; problems go to `issues`."""
        assert self._mapping.people is not None  # a people mapping
        spec = self._mapping.people.manager
        if spec is None:
            return ManagerLinks()
        if spec.by == "name":
            return link_by_name(rows, spec, self._stored_names(), issues)
        named = {row.manager for row in rows if row.manager is not None}
        return link_by_id(rows, spec, set(self._existing(named)), issues)

    def write(self, rows: list[PersonRow], links: ManagerLinks) -> dict[str, int]:
        """Upsert rows and created managers, link managers; external id -> employee id."""
        counts = self._report.employees
        keys = {row.external_id for row in rows}
        outside = set(links.by_row.values()) - keys  # managers without a row of their own
        existing = self._existing(keys | outside)
        fresh = [row for row in rows if row.external_id not in existing]
        new_managers = {k: v for k, v in links.created.items() if k not in existing}
        ids = {key: int(found["id"]) for key, found in existing.items()}
        ids.update(self._insert(fresh, new_managers))

        counts.created += len(fresh) + len(new_managers)
        counts.unchanged += len(outside) - len(new_managers)
        self._report.managers_created = len(new_managers)
        self._report.people_with_reports = links.people_with_reports()
        managed = self._mapping.people is not None and self._mapping.people.manager is not None
        for row in rows:
            before = existing.get(row.external_id)
            manager = (
                ids[links.by_row[row.external_id]] if row.external_id in links.by_row else None
            )
            changed = self._changes(row, before, manager if managed else None, managed)
            if before is None:
                if changed.get("manager_id") is not None:
                    self._update(ids[row.external_id], {"manager_id": changed["manager_id"]})
            elif changed:
                counts.updated += 1
                self._update(ids[row.external_id], changed)
            else:
                counts.unchanged += 1
        return ids

    def write_sensitive(self, rows: list[PersonRow], ids: dict[str, int]) -> None:
        """Upsert each row's sensitive attributes (a row with none is skipped)."""
        counts = self._report.sensitive
        wanted = {ids[row.external_id]: row.sensitive for row in rows if row.sensitive}
        stored: dict[int, dict[str, Any]] = {}
        keys = [key for key in wanted if key > 0]
        table = self._sensitive
        for start in range(0, len(keys), IN_CHUNK):
            query = select(table).where(table.c.employee_id.in_(keys[start : start + IN_CHUNK]))
            stored.update(
                {r.employee_id: dict(r._mapping) for r in self._connection.execute(query)}
            )
        inserts: list[dict[str, Any]] = []
        for employee_id, values in wanted.items():
            before = stored.get(employee_id)
            if before is None:
                if any(value is not None for value in values.values()):
                    inserts.append({"employee_id": employee_id, **values})
            elif any(before[name] != value for name, value in values.items()):
                counts.updated += 1
                if not self._dry_run:
                    self._connection.execute(
                        update(table).where(table.c.employee_id == employee_id).values(**values)
                    )
            else:
                counts.unchanged += 1
        counts.created += len(inserts)
        if inserts and not self._dry_run:
            self._connection.execute(insert(table), inserts)

    def _stored_names(self) -> list[tuple[str, str]]:
        table = self._employees
        query = select(table.c.external_id, table.c.name).where(
            table.c.source == self._mapping.source
        )
        return [(str(key), str(name)) for key, name in self._connection.execute(query)]

    def _existing(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        unique = sorted(set(keys))
        table = self._employees
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(unique), IN_CHUNK):
            query = select(table).where(table.c.external_id.in_(unique[start : start + IN_CHUNK]))
            found.update(
                {r.external_id: dict(r._mapping) for r in self._connection.execute(query)}
            )
        return found

    def _values(self, row: PersonRow) -> dict[str, Any]:
        values = dict(row.fields)
        if "is_active" not in values and "termination_date" in values:
            values["is_active"] = values["termination_date"] is None
        return values

    def _changes(
        self, row: PersonRow, before: dict[str, Any] | None, manager: int | None, managed: bool
    ) -> dict[str, Any]:
        values = self._values(row)
        if managed:
            values["manager_id"] = manager
        if before is None:
            return values
        return {name: value for name, value in values.items() if before[name] != value}

    def _insert(self, rows: list[PersonRow], managers: dict[str, str]) -> dict[str, int]:
        records = [self._values(row) for row in rows]
        records += [{"external_id": key, "name": name} for key, name in managers.items()]
        if not records:
            return {}
        if self._dry_run:
            return {record["external_id"]: self._next_stand_in() for record in records}
        blank = dict.fromkeys(set().union(*records))
        now, source = utcnow(), self._mapping.source
        full = [blank | record | {"source": source, "updated_at": now} for record in records]
        for record in full:
            if record.get("is_active") is None:
                record["is_active"] = True
        self._connection.execute(insert(self._employees), full)
        created = self._existing(record["external_id"] for record in records)
        logger.debug("Employees inserted (count=%d)", len(records))
        return {key: int(found["id"]) for key, found in created.items()}

    def _update(self, employee_id: int, values: dict[str, Any]) -> None:
        if self._dry_run or employee_id < 0:
            return
        table = self._employees
        self._connection.execute(
            update(table).where(table.c.id == employee_id).values(**values, updated_at=utcnow())
        )

    def _next_stand_in(self) -> int:
        self._stand_in -= 1
        return self._stand_in
