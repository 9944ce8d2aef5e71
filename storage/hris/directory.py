"""The people a signal file refers to: external id to employee id, creating the missing.

All external ids are read once at the start (one row per person is small next to a signal
file). A file that names an unknown person is refused, unless its mapping creates people
(`employee.missing: create`), as the truck timesheet's does for its drivers.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, insert, select

from storage.hris.errors import Issue
from storage.hris.report import Counts
from storage.tables import Employee
from storage.types import utcnow


class EmployeeDirectory:
    """External ids of stored people, plus the ones this import creates."""

    def __init__(
        self, connection: Connection, *, source: str, dry_run: bool, counts: Counts
    ) -> None:
        self._connection = connection
        self._source = source
        self._dry_run = dry_run
        self._counts = counts
        self._table: Table = Employee.__table__  # type: ignore[attr-defined]
        query = select(self._table.c.external_id, self._table.c.id)
        self._ids: dict[str, int] = {str(k): int(v) for k, v in connection.execute(query)}
        self._referenced: set[str] = set()
        self._stand_in = 0

    def id_for(
        self, external_id: str, new_name: str | None, *, line: int, column: str
    ) -> int | Issue:
        """The employee's id, creating them when `new_name` is given; else an issue."""
        found = self._ids.get(external_id)
        if found is not None:
            if external_id not in self._referenced:
                self._referenced.add(external_id)
                self._counts.unchanged += 1
            return found
        if new_name is None:
            return Issue(line, column, f"no person with external id {external_id!r}")
        created = self._create(external_id, new_name)
        self._ids[external_id] = created
        self._referenced.add(external_id)
        self._counts.created += 1
        return created

    def _create(self, external_id: str, name: str) -> int:
        if self._dry_run:
            self._stand_in -= 1
            return self._stand_in
        statement = insert(self._table).values(
            external_id=external_id,
            name=name,
            source=self._source,
            is_active=True,
            updated_at=utcnow(),
        )
        key = self._connection.execute(statement).inserted_primary_key
        assert key is not None
        return int(key[0])
