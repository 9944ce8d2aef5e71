"""What goes wrong in an HRIS import, as a small tree, and the problem record it reports.

```
HrisError
 ├── MappingError        the mapping file is missing, is not YAML, or fails validation
 ├── InputFileError      the data file cannot be opened (missing, a folder, unreadable)
 └── ImportRefusedError  the data has problems; carries every `Issue`; nothing was written
```
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.hris.report import ImportReport


class HrisError(Exception):
    """Base class for every HRIS import error."""


class MappingError(HrisError, ValueError):
    """The mapping cannot be used; the message names the file and the key."""


class InputFileError(HrisError, OSError):
    """The data file cannot be opened."""


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in the data file: where it is (file line, column) and why it is refused.

    `line` counts physical lines from 1 (a header is line 1); it is None for problems with the
    file as a whole, such as an encoding it cannot be read in.
    """

    line: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = [f"line {self.line}"] if self.line is not None else ["file"]
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.reason}"

    def as_dict(self) -> dict[str, int | str | None]:
        """The issue as a JSON-ready dict."""
        return {"line": self.line, "column": self.column, "reason": self.reason}


class ImportRefusedError(HrisError):
    """The import was refused and rolled back; `report.issues` lists every problem found."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.issues = report.issues
        super().__init__(
            f"import refused: {len(report.issues)} problem(s) in {report.rows_rejected} row(s); "
            "nothing was written"
        )
