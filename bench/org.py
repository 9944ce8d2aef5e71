"""Generate a large organisation into SQLite for the skill benchmarks.

10,000 employees (1,000 managers), 12 months of daily signals (one row per person per day,
the kind rotating through the week so each kind is weekly: about 3.65 million rows) and
100,000 encrypted notes. Deterministic (fixed seed). Rows go in through the sqlite3 driver
in the exact storage format SQLAlchemy uses, after the schema is created by the migrations.

    .venv/bin/python bench/org.py [--out var/bench/org.db] [--employees 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

SEED = 20261203
KINDS = (
    ("timesheet_hours", "hours", 38.0, 3.0),
    ("late_days", "days", 0.5, 0.7),
    ("deadlines_met", "count", 4.0, 1.2),
    ("deadlines_missed", "count", 0.4, 0.6),
    ("pull_requests", "count", 5.0, 2.0),
    ("pulse_score", "score (1-5)", 3.8, 0.5),
    ("code_reviews", "count", 6.0, 2.0),
)
NOTE_KINDS = ("manager_note", "peer", "customer", "self")
PHRASES = (
    "kept the release on track",
    "explained the trade-offs clearly",
    "helped a new colleague get started",
    "missed the handover notes this week",
    "answered customers quickly",
    "needs to flag risks earlier",
)
FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def main() -> None:
    """Build the database and print what it holds and how long it took."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("var/bench/org.db"))
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--notes", type=int, default=100_000)
    args = parser.parse_args()
    # Imported here, not at the top: this file is named org.py, and the standard library's
    # `copy` module probes `import org.python.core`, so importing it must stay harmless.
    sys.path.insert(0, str(ROOT))
    from storage.crypto import Keyring, generate_key
    from storage.db import make_engine, upgrade

    started = time.perf_counter()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{args.out}{suffix}").unlink(missing_ok=True)
    upgrade(make_engine(f"sqlite:///{args.out.resolve()}"))
    key = os.environ.get("TANDEM_ENCRYPTION_KEY") or generate_key()
    (args.out.parent / "org.key").write_text(key, encoding="utf-8")

    now = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    rng = random.Random(SEED)
    connection = sqlite3.connect(args.out)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    managers = _people(connection, args.employees, now)
    signals = _signals(connection, rng, args.employees, args.days, now)
    notes = _notes(connection, rng, Keyring(key), args.employees, args.notes, now)
    _meetings(connection, args.employees, managers, now)
    connection.commit()
    connection.close()
    elapsed = time.perf_counter() - started
    print(
        f"org: {args.employees} employees, {managers} managers, {signals} signals, "
        f"{notes} notes in {elapsed:.1f} s -> {args.out} (key in {args.out.parent / 'org.key'})"
    )


def _people(connection: sqlite3.Connection, count: int, now: datetime) -> int:
    managers = count // 10
    stamp = now.strftime(FORMAT)
    rows = []
    for index in range(1, count + 1):
        # Ids 1..managers are managers; manager m (> 1) reports to (m - 1) // 10 + 1 ... kept
        # shallow: every manager reports to manager 1, every other person to one manager.
        manager = None if index == 1 else (1 if index <= managers else (index % managers) + 1)
        rows.append(
            (
                index,
                f"bench-{index:05d}",
                f"Person {index:05d}",
                f"p{index}@bench.example",
                "Software Engineer" if index > managers else "Engineering Manager",
                f"team-{(manager or 1):04d}",
                "Engineering",
                1,
                0,
                manager,
                "bench",
                stamp,
            )
        )
    connection.executemany(
        "INSERT INTO employee (id, external_id, name, email, title, team, department, "
        "is_active, is_hr_admin, manager_id, source, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return managers


def _signals(
    connection: sqlite3.Connection, rng: random.Random, people: int, days: int, now: datetime
) -> int:
    total = 0
    meta = json.dumps({})
    for person in range(1, people + 1):
        rows = []
        for day in range(days):
            ts = now - timedelta(days=days - day)
            kind, unit, centre, spread = KINDS[day % len(KINDS)]
            value = max(0.0, round(rng.gauss(centre, spread), 1))
            rows.append((person, kind, ts.strftime(FORMAT), value, unit, "bench", meta))
        connection.executemany(
            "INSERT INTO signal (employee_id, kind, ts, value, unit, source, meta) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        total += len(rows)
    return total


def _notes(
    connection: sqlite3.Connection,
    rng: random.Random,
    keyring: Any,
    people: int,
    count: int,
    now: datetime,
) -> int:
    rows = []
    for _ in range(count):
        subject = rng.randint(1, people)
        written = now - timedelta(days=rng.randint(0, 364), minutes=rng.randint(0, 1439))
        text = f"This month they {rng.choice(PHRASES)} and {rng.choice(PHRASES)}."
        rows.append(
            (
                subject,
                None,
                rng.choice(NOTE_KINDS),
                "general",
                "manager",
                keyring.encrypt(text),
                written.strftime(FORMAT),
                "bench",
            )
        )
    connection.executemany(
        "INSERT INTO note (subject_id, author_id, kind, category, visibility, text, "
        "written_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return len(rows)


def _meetings(connection: sqlite3.Connection, people: int, managers: int, now: datetime) -> None:
    rows = []
    for index in range(managers + 1, people + 1):
        manager = (index % managers) + 1
        starts = now + timedelta(days=index % 14, hours=10)
        rows.append((manager, index, starts.strftime(FORMAT), 30, "UTC", "bench", f"m-{index}"))
    connection.executemany(
        "INSERT INTO meeting (manager_id, employee_id, starts_at, duration_minutes, timezone, "
        "source, source_id, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'scheduled')",
        rows,
    )


if __name__ == "__main__":
    main()
