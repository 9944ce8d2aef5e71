"""Benchmark: `tandem import` of a large signal CSV against raw executemany on the same database.

Generates a signal CSV (employee external id, kind, date, value, unit; 1,000,000 rows by
default) in a temporary folder and imports it through the same importer `tandem import`
uses, into a fresh SQLite file. In the same run it measures the floor: the same rows, already
converted, inserted into the same table of another fresh file by the driver's own
`executemany` (plain sqlite3), and, for reference, by SQLAlchemy core. It prints rows/s for
each and the importer's throughput as a percentage of the raw floor. Goal: at least 30%.

    .venv/bin/python bench/import.py                 # 1,000,000 rows
    .venv/bin/python bench/import.py --rows 100000   # a quick run
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

from storage.db import make_engine, upgrade
from storage.hris import parse_mapping, run_import
from storage.tables import Employee, Signal
from storage.types import utcnow

GOAL_PERCENT = 30.0
KINDS = (
    ("timesheet_hours", "hours", 38.0, 6.0),
    ("late_days", "days", 0.5, 0.8),
    ("deadlines_met", "count", 4.0, 1.5),
    ("pulse_score", "score", 3.8, 0.6),
    ("pull_requests", "count", 5.0, 2.5),
)
WEEKS = 200
ROWS_PER_PERSON = len(KINDS) * WEEKS
FIRST_MONDAY = date(2021, 1, 4)
SOURCE = "bench:import"
CHUNK = 20_000
MAPPING = {
    "entity": "signals",
    "source": SOURCE,
    "file": {"format": "csv", "header": True},
    "employee": {"column": "employee"},
    "signals": {
        "at": {"column": "date", "steps": [{"date": "%Y-%m-%d"}]},
        "values": [
            {
                "kind": {"column": "kind", "steps": ["trim"]},
                "unit": {"column": "unit", "steps": ["trim"]},
                "column": "value",
                "steps": ["number"],
            }
        ],
    },
}


def people_for(rows: int) -> int:
    """People the generated file needs: one per `ROWS_PER_PERSON` rows."""
    return -(-rows // ROWS_PER_PERSON)


def generated_rows(rows: int, seed: int = 7) -> Iterator[tuple[str, str, str, float, str]]:
    """The file's rows: person by person, kind by kind, week by week."""
    rng = random.Random(seed)
    weeks = [(FIRST_MONDAY + timedelta(weeks=w)).isoformat() for w in range(WEEKS)]
    for index in range(rows):
        person, within = divmod(index, ROWS_PER_PERSON)
        kind, unit, mean, spread = KINDS[within // WEEKS]
        value = round(max(0.0, rng.gauss(mean, spread)), 1)
        yield f"bench-{person:06d}", kind, weeks[within % WEEKS], value, unit


def write_csv(path: Path, rows: int) -> None:
    """Write the benchmark's signal file."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["employee", "kind", "date", "value", "unit"])
        writer.writerows(generated_rows(rows))


def fresh_database(path: Path, people: int) -> tuple[Engine, dict[str, int]]:
    """A migrated SQLite file holding the benchmark's people; their ids by external id."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    now = utcnow()
    records = [
        {
            "external_id": f"bench-{n:06d}",
            "name": f"Bench Person {n}",
            "source": SOURCE,
            "is_active": True,
            "updated_at": now,
        }
        for n in range(people)
    ]
    table = Employee.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(insert(table), records)
        ids = dict(
            connection.execute(
                table.select().with_only_columns(table.c.external_id, table.c.id)
            ).all()
        )
    return engine, {str(key): int(value) for key, value in ids.items()}


def raw_executemany(engine: Engine, ids: dict[str, int], rows: int) -> float:
    """Seconds the driver's executemany takes for the rows, converted beforehand."""
    stored = {
        day: datetime.fromisoformat(day).replace(tzinfo=UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        for day in {row[2] for row in generated_rows(min(rows, ROWS_PER_PERSON))}
    }
    prepared = [
        (ids[person], kind, stored[day], value, unit, SOURCE, "{}")
        for person, kind, day, value, unit in generated_rows(rows)
    ]
    sql = (
        "INSERT INTO signal (employee_id, kind, ts, value, unit, source, meta) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"
    )
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        started = time.perf_counter()
        for start in range(0, len(prepared), CHUNK):
            cursor.executemany(sql, prepared[start : start + CHUNK])
        connection.commit()
        return time.perf_counter() - started
    finally:
        connection.close()


def core_executemany(engine: Engine, ids: dict[str, int], rows: int) -> float:
    """Seconds SQLAlchemy core's executemany takes, counting only the execute calls."""
    table = Signal.__table__  # type: ignore[attr-defined]
    days: dict[str, datetime] = {}
    elapsed = 0.0
    source = generated_rows(rows)
    with engine.begin() as connection:
        while True:
            chunk: list[dict[str, Any]] = []
            for person, kind, day, value, unit in source:
                moment = days.get(day) or days.setdefault(
                    day, datetime.fromisoformat(day).replace(tzinfo=UTC)
                )
                chunk.append(
                    {
                        "employee_id": ids[person],
                        "kind": kind,
                        "ts": moment,
                        "value": value,
                        "unit": unit,
                        "source": SOURCE,
                        "meta": {},
                    }
                )
                if len(chunk) == CHUNK:
                    break
            if not chunk:
                break
            started = time.perf_counter()
            connection.execute(insert(table), chunk)
            elapsed += time.perf_counter() - started
        started = time.perf_counter()
    return elapsed + (time.perf_counter() - started)


def importer(engine: Engine, csv_path: Path) -> tuple[float, int]:
    """Seconds `run_import` takes for the file, and the signals it created."""
    mapping = parse_mapping(MAPPING, name="bench")
    started = time.perf_counter()
    report = run_import(engine, csv_path, mapping, mapping_name="bench")
    return time.perf_counter() - started, report.signals.created


def line(label: str, rows: int, seconds: float, extra: str = "") -> None:
    """One result line."""
    print(
        f"  {label:<36} {rows:>10,} rows {seconds:>8.2f} s {rows / seconds:>11,.0f} rows/s{extra}"
    )


def main() -> None:
    """Run the benchmark and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the generated CSV")
    parser.add_argument("--no-core", action="store_true", help="skip the SQLAlchemy reference")
    args = parser.parse_args()
    rows, people = args.rows, people_for(args.rows)

    with tempfile.TemporaryDirectory(prefix="tandem-bench-import-") as folder:
        root = Path(folder)
        csv_path = root / "signals.csv"
        write_csv(csv_path, rows)
        size = csv_path.stat().st_size / 1e6
        print(f"Signal CSV: {rows:,} rows, {people:,} people, {size:.1f} MB (in {root})")

        engine, ids = fresh_database(root / "raw.db", people)
        raw_seconds = raw_executemany(engine, ids, rows)
        engine.dispose()
        core_seconds = None
        if not args.no_core:
            engine, ids = fresh_database(root / "core.db", people)
            core_seconds = core_executemany(engine, ids, rows)
            engine.dispose()
        engine, _ids = fresh_database(root / "import.db", people)
        import_seconds, created = importer(engine, csv_path)
        engine.dispose()

    if created != rows:
        raise SystemExit(f"the importer created {created:,} signals, expected {rows:,}")
    percent = 100.0 * raw_seconds / import_seconds
    verdict = "meets" if percent >= GOAL_PERCENT else "MISSES"
    line("raw sqlite3 executemany", rows, raw_seconds, "  (the floor: 100%)")
    if core_seconds is not None:
        core_share = 100.0 * raw_seconds / core_seconds
        line("SQLAlchemy core executemany", rows, core_seconds, f"  ({core_share:.0f}% of raw)")
    line("tandem import (parse+check+upsert)", rows, import_seconds, f"  ({percent:.0f}% of raw)")
    goal = f"goal >= {GOAL_PERCENT:.0f}%: {verdict}"
    print(f"Importer throughput = {percent:.1f}% of raw executemany; {goal}")


if __name__ == "__main__":
    main()
