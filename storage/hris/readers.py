"""Readers for HRIS files: CSV (with or without a header), JSON arrays and JSON Lines.

Each reader yields rows as (file line, cells) with the cells in `columns` order, a cell being
text or None. Line numbers are physical lines counted from 1, so a CSV header is line 1 and a
quoted cell spanning lines reports the line its row starts on. Problems found while reading
(undecodable bytes, a JSON syntax error, a row of the wrong width) are appended to the shared
issue list and the row is skipped; the caller refuses the import when that list is not empty.

UTF-8 is read whether or not it starts with a byte-order mark. Other ASCII-compatible
encodings (latin-1, cp1252) are decoded line by line as well, so a bad byte is reported on its
line; UTF-16 and UTF-32 are decoded whole.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from storage.hris.errors import InputFileError, Issue
from storage.hris.mapping import FileSpec

Cells = list[str | None]
Row = tuple[int, Cells]
BOM = "\ufeff"
SNIFF_BYTES = 4096


class RowSource:
    """The rows of one file, with its column names and its length in lines."""

    def __init__(self, columns: list[str], rows: Iterable[Row], total_lines: int) -> None:
        self.columns = columns
        self.total_lines = total_lines
        self._rows = rows

    def __iter__(self) -> Iterator[Row]:
        return iter(self._rows)


def detect_format(path: Path, spec: FileSpec) -> str:
    """The format named in the mapping, or else the one the file's extension says."""
    if spec.format is not None:
        return spec.format
    suffix = path.suffix.lower()
    return {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(suffix, "csv")


def open_rows(path: Path, spec: FileSpec, known: list[str], issues: list[Issue]) -> RowSource:
    """Open `path` for reading rows; `known` orders the cells of JSON objects."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except FileNotFoundError:
        raise InputFileError(f"file not found: {path}") from None
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror or exc}") from None

    problem = _sniff(head, size, spec.encoding)
    if problem is not None:
        issues.append(Issue(None, None, problem))
        return RowSource(list(known), [], 0)
    kind = detect_format(path, spec)
    if kind == "csv":
        return _csv_source(path, spec, issues)
    return _json_source(path, spec, kind, known, issues)


def _sniff(head: bytes, size: int, encoding: str) -> str | None:
    name = codecs.lookup(encoding).name
    if size == 0 or not head.strip().removeprefix(codecs.BOM_UTF8).strip():
        return "the file is empty"
    if name.startswith(("utf-16", "utf-32")):
        return None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return (
            "the file is UTF-16 text; save it as UTF-8, "
            "or set file.encoding: utf-16 in the mapping"
        )
    if b"\x00" in head:
        return "the file holds NUL bytes: it is binary, or text in UTF-16 without a BOM"
    return None


def _count_lines(path: Path) -> int:
    count, last = 0, b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (0 if last == b"\n" else 1)


class _LineDecoder:
    """Decodes a binary file line by line, noting the lines that are not in its encoding."""

    def __init__(self, path: Path, encoding: str, issues: list[Issue]) -> None:
        self.path = path
        self.encoding = encoding
        self.issues = issues
        self.bad_lines: set[int] = set()

    def __iter__(self) -> Iterator[str]:
        encoding = self.encoding
        with self.path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                try:
                    line = raw.decode(encoding)
                except UnicodeDecodeError as exc:
                    self._bad(number, raw, exc)
                    line = raw.decode(encoding, "replace")
                yield line.removeprefix(BOM) if number == 1 else line

    def _bad(self, number: int, raw: bytes, exc: UnicodeDecodeError) -> None:
        self.bad_lines.add(number)
        byte = raw[exc.start : exc.start + 1].hex()
        self.issues.append(
            Issue(
                number,
                None,
                f"byte 0x{byte} at character {exc.start + 1} is not {self.encoding} text; "
                "save the file as UTF-8 or set file.encoding in the mapping",
            )
        )


def _text_lines(path: Path, encoding: str, issues: list[Issue]) -> tuple[Iterator[str], set[int]]:
    name = codecs.lookup(encoding).name
    if name.startswith(("utf-16", "utf-32")) or "\n".encode(encoding) != b"\n":
        return _whole_text_lines(path, encoding, issues), set()
    decoder = _LineDecoder(path, "utf-8" if name == "utf-8-sig" else encoding, issues)
    return iter(decoder), decoder.bad_lines


def _whole_text_lines(path: Path, encoding: str, issues: list[Issue]) -> Iterator[str]:
    try:
        text = path.read_bytes().decode(encoding)
    except UnicodeDecodeError as exc:
        issues.append(Issue(None, None, f"the file is not {encoding} text: {exc.reason}"))
        return
    yield from io.StringIO(text.removeprefix(BOM), newline="")


def _csv_source(path: Path, spec: FileSpec, issues: list[Issue]) -> RowSource:
    lines, bad_lines = _text_lines(path, spec.encoding, issues)
    reader = csv.reader(lines, delimiter=spec.delimiter, strict=True)
    columns = list(spec.columns or [])
    if spec.header:
        columns = _read_header(reader, issues)
    total = _count_lines(path)
    return RowSource(columns, _csv_rows(reader, len(columns), bad_lines, issues), total)


def _read_header(reader: Any, issues: list[Issue]) -> list[str]:
    try:
        header = next(reader, None)
    except csv.Error as exc:
        issues.append(Issue(1, None, f"the header is not valid CSV: {exc}"))
        return []
    if not header:
        issues.append(Issue(1, None, "the first line should be the header, but it is blank"))
        return []
    columns = [name.strip() for name in header]
    for position, name in enumerate(columns, start=1):
        if not name:
            issues.append(Issue(1, None, f"header cell {position} has no column name"))
        elif columns.index(name) != position - 1:
            issues.append(Issue(1, name, "the header names this column twice"))
    return columns


def _csv_rows(reader: Any, width: int, bad: set[int], issues: list[Issue]) -> Iterator[Row]:
    end = reader.line_num
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            issues.append(Issue(reader.line_num, None, f"not valid CSV: {exc}"))
            end = reader.line_num
            continue
        end = reader.line_num
        if not cells or (bad and any(line in bad for line in range(start, end + 1))):
            continue
        if len(cells) != width:
            issues.append(Issue(start, None, f"has {len(cells)} cells, expected {width}"))
            continue
        yield start, cells


def _json_source(
    path: Path, spec: FileSpec, kind: str, known: list[str], issues: list[Issue]
) -> RowSource:
    raw = path.read_bytes()
    try:
        text = raw.decode(spec.encoding).removeprefix(BOM)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        issues.append(Issue(line, None, f"the file is not {spec.encoding} text; save it as UTF-8"))
        return RowSource(list(known), [], 0)
    total = text.count("\n") + 1
    objects = _json_array(text, issues) if kind == "json" else _json_lines(text, issues)
    return RowSource(list(known), _object_rows(objects, known, issues), total)


def _json_array(text: str, issues: list[Issue]) -> Iterator[tuple[int, Any]]:
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    if text[position : position + 1] != "[":
        issues.append(Issue(1, None, "a JSON file must hold one array of objects"))
        return
    position, line, counted = _skip_space(text, position + 1), 1, 0
    while position < len(text) and text[position] != "]":
        line += text.count("\n", counted, position)
        counted = position
        try:
            item, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            issues.append(Issue(exc.lineno, None, f"not valid JSON: {exc.msg}"))
            return
        yield line, item
        position = _skip_space(text, position)
        if text[position : position + 1] == ",":
            position = _skip_space(text, position + 1)
        elif text[position : position + 1] != "]":
            where = text.count("\n", 0, position) + 1
            issues.append(Issue(where, None, "not valid JSON: expected ',' or ']'"))
            return


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _json_lines(text: str, issues: list[Issue]) -> Iterator[tuple[int, Any]]:
    for line, content in enumerate(text.splitlines(), start=1):
        if not content.strip():
            continue
        try:
            yield line, json.loads(content)
        except json.JSONDecodeError as exc:
            issues.append(Issue(line, None, f"not valid JSON: {exc.msg}"))


def _object_rows(
    objects: Iterable[tuple[int, Any]], known: list[str], issues: list[Issue]
) -> Iterator[Row]:
    index = {name: position for position, name in enumerate(known)}
    unknown_seen: set[str] = set()
    for line, item in objects:
        if not isinstance(item, dict):
            issues.append(Issue(line, None, "each item must be a JSON object"))
            continue
        cells: Cells = [None] * len(known)
        usable = True
        for key, value in item.items():
            position = index.get(key)
            if position is None:
                if key not in unknown_seen:  # once per column: the import is refused anyway
                    unknown_seen.add(key)
                    issues.append(Issue(line, key, "column is neither mapped nor ignored"))
                continue
            if isinstance(value, dict | list):
                issues.append(Issue(line, key, "nested objects and lists are not supported"))
                usable = False
                continue
            cells[position] = _json_cell(value)
        if usable:
            yield line, cells


def _json_cell(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)
