"""Fast multi-row inserts: one INSERT compiled by SQLAlchemy, run through the driver's executemany.

SQLAlchemy's per-row parameter processing costs more than SQLite's own insert, so for large
imports the statement is compiled once for the connection's dialect and the rows are passed
to the driver as they are. Columns whose type converts values on the way in (timestamps,
JSON) expose their converter through `processor`, so the caller converts each distinct value
once (a file has few distinct dates) instead of once a row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert

Processor = Callable[[Any], Any]


class BulkInsert:
    """An INSERT of the given columns into one table, run many rows at a time."""

    def __init__(self, connection: Connection, table: Table, columns: Sequence[str]) -> None:
        dialect = connection.dialect
        compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
        self._connection = connection
        self._columns = tuple(columns)
        self._sql = str(compiled)
        self._positional = bool(dialect.positional)
        order = list(compiled.positiontup or []) if self._positional else list(columns)
        self._order = tuple(self._columns.index(name) for name in order)
        self._identity = self._order == tuple(range(len(self._columns)))
        self._processors: dict[str, Processor | None] = {
            name: table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in columns
        }

    def processor(self, column: str) -> Processor:
        """The converter the database type applies to a value of `column` (maybe identity)."""
        found = self._processors[column]
        return found if found is not None else _same

    def unprocessed(self, prepared: Sequence[str]) -> list[str]:
        """Columns with a converter that the caller has not applied itself."""
        return [n for n, p in self._processors.items() if p is not None and n not in prepared]

    def run(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert `rows`, each a tuple of already-converted values in column order."""
        if not rows:
            return
        if self._positional:
            ordered = rows if self._identity else [tuple(r[i] for i in self._order) for r in rows]
            self._connection.exec_driver_sql(self._sql, list(ordered))
        else:
            names = self._columns
            named = [dict(zip(names, row, strict=True)) for row in rows]
            self._connection.exec_driver_sql(self._sql, named)


def _same(value: Any) -> Any:
    return value
