"""Signal upserts in chunks: classify each row as new, changed or unchanged, then write.

A signal is identified by employee, kind, time and source (the table's unique key). Rows are
buffered and handled a chunk at a time. Before the first chunk, the writer reads, for this
source, the time range each (employee, kind) already covers; a row outside its range is new
without a query, so a first import or an import of later weeks asks the database nothing
more. Rows inside a range are looked up in bulk, a thousand keys a query.

Duplicate keys within the file are refused with the line of their first occurrence. After
any problem the writer stops writing (the transaction will be rolled back) but keeps
checking for duplicates, so every problem is still reported.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update

from storage.hris.bulk import BulkInsert
from storage.hris.errors import Issue
from storage.hris.plan import SignalValue
from storage.hris.report import Counts
from storage.tables import Signal

logger = logging.getLogger(__name__)

CHUNK_ROWS = 20_000
LOOKUP_ROWS = 1_000  # keys a lookup query carries, 3 parameters each
INSERT_COLUMNS = ("employee_id", "kind", "ts", "value", "unit", "source", "meta")

Key = tuple[int, str, datetime]
Pending = tuple[int, str, datetime, float, str]  # employee id, kind, time, value, unit
StoredKey = tuple[int, str, Any]  # the time as the database stores it


class SignalWriter:
    """Collects signal rows of one source and upserts them in chunks on one connection."""

    def __init__(
        self, connection: Connection, *, source: str, dry_run: bool, counts: Counts
    ) -> None:
        self.counts = counts
        self._connection = connection
        self._source = source
        self._dry_run = dry_run
        self._active = True
        self._pending: list[Pending] = []
        self._seen: dict[Key, int] = {}
        self._names: dict[str, str] = {}
        self._ranges: dict[tuple[int, str], tuple[datetime, datetime]] | None = None
        self._lookup: str | None = None
        self._table = Signal.__table__  # type: ignore[attr-defined]
        self._bulk = BulkInsert(connection, self._table, INSERT_COLUMNS)
        self._to_stored_time = self._bulk.processor("ts")
        self._stored_times: dict[datetime, Any] = {}
        self._meta = self._bulk.processor("meta")({})
        self._raw_columns = self._bulk.unprocessed(("ts", "meta", "value"))  # values are floats

    def add(
        self, line: int, employee_id: int, signals: list[SignalValue], issues: list[Issue]
    ) -> None:
        """Queue one row's signals; a duplicate of an earlier row's key goes to `issues`."""
        names, seen, pending = self._names, self._seen, self._pending
        for kind, ts, value, unit in signals:
            kind = names.get(kind) or names.setdefault(kind, kind)  # one object per kind
            unit = names.get(unit) or names.setdefault(unit, unit)
            key = (employee_id, kind, ts)
            first = seen.get(key)
            if first is not None:
                self.stop()
                reason = f"duplicate {kind} signal: same person and time as line {first}"
                issues.append(Issue(line, None, reason))
                continue
            seen[key] = line
            if self._active:
                pending.append((employee_id, kind, ts, value, unit))
        if len(pending) >= CHUNK_ROWS:
            self.flush()

    def stop(self) -> None:
        """Stop writing: the import will be refused, only problems matter from now on."""
        self._active = False
        self._pending.clear()

    def flush(self) -> None:
        """Classify and write the buffered rows."""
        if not self._pending or not self._active:
            return
        pending = self._pending.copy()
        self._pending.clear()
        existing = self._existing(pending)
        inserts: list[tuple[Any, ...]] = []
        changes: list[dict[str, Any]] = []
        for employee_id, kind, ts, value, unit in pending:
            stored = self._stored(ts)
            found = existing.get((employee_id, kind, stored))
            if found is None:
                inserts.append(self._stored_row(employee_id, kind, stored, value, unit))
            elif found[1] != value or found[2] != unit:
                changes.append({"_id": found[0], "_value": value, "_unit": unit})
            else:
                self.counts.unchanged += 1
        self.counts.created += len(inserts)
        self.counts.updated += len(changes)
        if self._dry_run:
            return
        self._bulk.run(inserts)
        if changes:
            table = self._table
            statement = (
                update(table)
                .where(table.c.id == bindparam("_id"))
                .values(value=bindparam("_value"), unit=bindparam("_unit"))
            )
            self._connection.execute(statement, changes)
        logger.debug("Signals written (created=%d, updated=%d)", len(inserts), len(changes))

    def _stored_row(
        self, employee_id: int, kind: str, stored: Any, value: float, unit: str
    ) -> tuple[Any, ...]:
        row = (employee_id, kind, stored, value, unit, self._source, self._meta)
        if self._raw_columns:
            row = tuple(
                self._bulk.processor(name)(item) if name in self._raw_columns else item
                for name, item in zip(INSERT_COLUMNS, row, strict=True)
            )
        return row

    def _stored(self, ts: datetime) -> Any:
        stored = self._stored_times.get(ts)
        if stored is None:
            stored = self._stored_times[ts] = self._to_stored_time(ts)
        return stored

    def _existing(self, pending: list[Pending]) -> dict[StoredKey, tuple[int, float, str]]:
        ranges = self._load_ranges()
        candidates: list[StoredKey] = []
        for employee_id, kind, ts, _value, _unit in pending:
            span = ranges.get((employee_id, kind))
            if span is not None and span[0] <= ts <= span[1]:
                candidates.append((employee_id, kind, self._stored(ts)))
        found: dict[StoredKey, tuple[int, float, str]] = {}
        for start in range(0, len(candidates), LOOKUP_ROWS):
            found.update(self._look_up(candidates[start : start + LOOKUP_ROWS]))
        return found

    def _load_ranges(self) -> dict[tuple[int, str], tuple[datetime, datetime]]:
        if self._ranges is None:
            table = self._table
            query = (
                select(
                    table.c.employee_id, table.c.kind, func.min(table.c.ts), func.max(table.c.ts)
                )
                .where(table.c.source == self._source)
                .group_by(table.c.employee_id, table.c.kind)
            )
            rows = self._connection.execute(query).all()
            self._ranges = {(e, k): (low, high) for e, k, low, high in rows}
        return self._ranges

    def _look_up(self, keys: list[StoredKey]) -> dict[StoredKey, tuple[int, float, str]]:
        padded = keys + [keys[-1]] * (LOOKUP_ROWS - len(keys))  # one statement for every chunk
        flat = [item for key in padded for item in key] + [self._source]
        style = self._connection.dialect.paramstyle
        if style in ("pyformat", "named"):
            names = [f"{p}{i}" for i in range(LOOKUP_ROWS) for p in "ekt"] + ["source"]
            params: Any = dict(zip(names, flat, strict=True))
        else:
            params = tuple(flat)
        rows = self._connection.exec_driver_sql(self._lookup_sql(style), params)
        return {(e, k, ts): (i, v, u) for i, e, k, ts, v, u in rows}

    def _lookup_sql(self, style: str) -> str:
        if self._lookup is None:
            marks = [
                _placeholder(style, f"{p}{i}", 3 * i + n + 1)
                for i in range(LOOKUP_ROWS)
                for n, p in enumerate("ekt")
            ]
            slots = ", ".join(
                f"({a}, {b}, {c})" for a, b, c in zip(*[iter(marks)] * 3, strict=True)
            )
            source = _placeholder(style, "source", 3 * LOOKUP_ROWS + 1)
            self._lookup = (
                f"WITH wanted (e, k, t) AS (VALUES {slots}) "
                "SELECT s.id, s.employee_id, s.kind, s.ts, s.value, s.unit "
                "FROM wanted JOIN signal AS s "
                "ON s.employee_id = wanted.e AND s.kind = wanted.k AND s.ts = wanted.t "
                f"WHERE s.source = {source}"
            )
        return self._lookup


def _placeholder(style: str, name: str, position: int) -> str:
    """A parameter marker in the driver's own style (the statement bypasses SQLAlchemy)."""
    markers = {
        "qmark": "?",
        "format": "%s",
        "numeric": f":{position}",
        "numeric_dollar": f"${position}",
        "named": f":{name}",
        "pyformat": f"%({name})s",
    }
    return markers[style]
