"""The embedded Chroma index: round trips, positive scoping, persistence and no text stored."""

from __future__ import annotations

import math
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.config import Settings
from storage.vector_index import (
    ChromaVectorIndex,
    InvalidVectorRequestError,
    MetadataValue,
    VectorIndex,
    matches_nothing,
    normalise_where,
)

DIMS = 8


def _unit(*weights: float) -> list[float]:
    vector = [*weights, *([0.0] * (DIMS - len(weights)))]
    norm = math.sqrt(sum(x * x for x in vector))
    return [x / norm for x in vector]


RECORDS: dict[str, tuple[list[float], dict[str, MetadataValue]]] = {
    "note-1": (_unit(1, 0), {"employee_id": "emp-1", "kind": "peer", "written_at": 1_700_000_000}),
    "note-2": (
        _unit(1, 0.1),
        {"employee_id": "emp-2", "kind": "peer", "written_at": 1_700_000_100},
    ),
    "note-3": (
        _unit(1, 0.3),
        {"employee_id": "emp-3", "kind": "self", "written_at": 1_700_000_200},
    ),
    "note-4": (_unit(0, 1), {"employee_id": "emp-1", "kind": "self", "written_at": 1_700_000_300}),
}


@pytest.fixture
def index(tmp_path: Path) -> Iterator[ChromaVectorIndex]:
    """An embedded index in the test's folder holding RECORDS in the `notes` collection."""
    opened = ChromaVectorIndex(path=tmp_path / "chroma")
    opened.upsert(
        "notes",
        list(RECORDS),
        [vector for vector, _ in RECORDS.values()],
        [metadata for _, metadata in RECORDS.values()],
    )
    yield opened
    opened.close()


def test_chroma_index_satisfies_the_vector_index_protocol(index: ChromaVectorIndex) -> None:
    as_protocol: VectorIndex = index
    assert as_protocol.count("notes") == len(RECORDS)


def test_query_returns_nearest_first_with_cosine_distance_and_metadata(
    index: ChromaVectorIndex,
) -> None:
    hits = index.query("notes", _unit(1, 0), k=2)

    assert [hit.id for hit in hits] == ["note-1", "note-2"]
    assert hits[0].distance == pytest.approx(0.0, abs=1e-5)
    assert hits[1].distance == pytest.approx(1 - 1 / math.sqrt(1.01), abs=1e-4)
    assert hits[0].metadata == RECORDS["note-1"][1]


def test_in_filter_returns_only_allowed_employees(index: ChromaVectorIndex) -> None:
    hits = index.query(
        "notes", _unit(1, 0), k=10, where={"employee_id": {"$in": ["emp-2", "emp-3"]}}
    )

    assert {hit.id for hit in hits} == {"note-2", "note-3"}
    assert {hit.metadata["employee_id"] for hit in hits} == {"emp-2", "emp-3"}


def test_several_filter_keys_are_combined_with_and(index: ChromaVectorIndex) -> None:
    hits = index.query("notes", _unit(1, 0), where={"employee_id": "emp-1", "kind": "self"})

    assert [hit.id for hit in hits] == ["note-4"]


def test_empty_in_list_matches_nothing_instead_of_failing(index: ChromaVectorIndex) -> None:
    assert index.query("notes", _unit(1, 0), where={"employee_id": {"$in": []}}) == []


@pytest.mark.parametrize("operator", ["$ne", "$nin"])
def test_negative_filters_are_refused_because_they_match_records_lacking_the_key(
    index: ChromaVectorIndex, operator: str
) -> None:
    value = "emp-1" if operator == "$ne" else ["emp-1"]

    with pytest.raises(InvalidVectorRequestError, match="lacking the key"):
        index.query("notes", _unit(1, 0), where={"employee_id": {operator: value}})


def test_delete_removes_records_and_ignores_unknown_ids(index: ChromaVectorIndex) -> None:
    index.delete("notes", ["note-1", "no-such-note"])

    assert index.count("notes") == len(RECORDS) - 1
    assert "note-1" not in {hit.id for hit in index.query("notes", _unit(1, 0), k=10)}


def test_upsert_replaces_a_record_with_the_same_id(index: ChromaVectorIndex) -> None:
    moved: dict[str, MetadataValue] = {
        "employee_id": "emp-1",
        "kind": "peer",
        "written_at": 1_800_000_000,
    }

    index.upsert("notes", ["note-1"], [_unit(0, 0, 1)], [moved])

    assert index.count("notes") == len(RECORDS)
    assert index.query("notes", _unit(0, 0, 1), k=1)[0].metadata == moved


def test_a_persisted_collection_reopens_with_its_records(tmp_path: Path) -> None:
    path = tmp_path / "chroma"
    with ChromaVectorIndex(path=path) as first:
        first.upsert("notes", ["n1"], [_unit(1, 0)], [{"employee_id": "emp-1", "kind": "peer"}])

    with ChromaVectorIndex(path=path) as reopened:
        hits = reopened.query("notes", _unit(1, 0), k=1, where={"employee_id": "emp-1"})
        assert reopened.count("notes") == 1
        assert [hit.id for hit in hits] == ["n1"]


def test_the_index_stores_no_text_or_documents(index: ChromaVectorIndex) -> None:
    stored = index.stored_metadatas("notes")

    assert len(stored) == len(RECORDS)
    for metadata in stored:
        assert set(metadata) == {"employee_id", "kind", "written_at"}
        assert not {"text", "document", "documents"} & set(metadata)


@pytest.mark.parametrize(
    "metadata",
    [
        {"employee_id": "emp-1", "text": "x"},
        {"employee_id": "emp-1", "document": "x"},
        {"employee_id": "emp-1", "kind": "she missed the deadline again"},
        {"employee_id": "emp-1", "kind": None},
        {},
    ],
)
def test_metadata_that_could_carry_text_is_refused(
    index: ChromaVectorIndex, metadata: dict[str, object]
) -> None:
    with pytest.raises(InvalidVectorRequestError):
        index.upsert("notes", ["n9"], [_unit(1)], [metadata])  # type: ignore[list-item]

    assert index.count("notes") == len(RECORDS)


@pytest.mark.parametrize("name", ["ab", "has space", "-leading", "trailing-", "two..dots"])
def test_invalid_collection_names_are_refused(index: ChromaVectorIndex, name: str) -> None:
    with pytest.raises(InvalidVectorRequestError, match="collection name"):
        index.count(name)


def test_mismatched_record_lengths_are_refused(index: ChromaVectorIndex) -> None:
    with pytest.raises(InvalidVectorRequestError, match="must be as many"):
        index.upsert("notes", ["a", "b"], [_unit(1)], [{"employee_id": "emp-1"}])


def test_a_collection_never_written_counts_zero_and_finds_nothing(
    index: ChromaVectorIndex,
) -> None:
    assert index.count("other-notes") == 0
    assert index.query("other-notes", _unit(1), k=3) == []


def test_or_branches_with_an_empty_in_list_are_dropped(index: ChromaVectorIndex) -> None:
    where = {"$or": [{"employee_id": {"$in": []}}, {"kind": "self"}]}

    hits = index.query("notes", _unit(1, 0), k=10, where=where)

    assert {hit.id for hit in hits} == {"note-3", "note-4"}


def test_a_filter_whose_every_or_branch_is_empty_matches_nothing() -> None:
    where = normalise_where(
        {"$or": [{"employee_id": {"$in": []}}, {"kind": {"$in": []}}]}, collection="notes"
    )

    assert matches_nothing(where)


def test_default_location_comes_from_settings(settings: Settings) -> None:
    index = ChromaVectorIndex()

    assert index.url is None
    assert index.path == settings.resolve(settings.vector.path)


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """A Chroma server on 127.0.0.1 (the `chroma` command shipped with chromadb)."""
    command = Path(sys.executable).with_name("chroma")
    if not command.exists():
        pytest.skip("the chroma command is not installed beside this Python")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    arguments = ["run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1"]
    server = subprocess.Popen(
        [str(command), *arguments, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False", "HOME": str(tmp_path)},
    )
    try:
        _wait_until_listening(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_listening(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(240):
        if server.poll() is not None:
            pytest.fail(f"chroma server exited with {server.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.25)
    pytest.fail("chroma server did not start listening")


@pytest.mark.slow
def test_server_index_round_trips_with_the_same_scoping(chroma_server: str) -> None:
    with ChromaVectorIndex(url=chroma_server) as index:
        index.upsert(
            "notes",
            list(RECORDS),
            [vector for vector, _ in RECORDS.values()],
            [metadata for _, metadata in RECORDS.values()],
        )
        hits = index.query("notes", _unit(1, 0), k=10, where={"employee_id": {"$in": ["emp-1"]}})
        index.delete("notes", ["note-4"])

        assert [hit.id for hit in hits] == ["note-1", "note-4"]
        assert index.count("notes") == len(RECORDS) - 1
