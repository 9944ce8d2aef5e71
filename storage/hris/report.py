"""What an import did, or would do: counts per entity, people with reports, every issue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from storage.hris.errors import Issue


@dataclass
class Counts:
    """Records created, updated and left unchanged for one entity."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        """Every record the file touched."""
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, int]:
        """The counts as a JSON-ready dict."""
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class ImportReport:
    """The outcome of one import; `committed` is False for a dry run or a refusal."""

    file: str
    mapping: str
    entity: str
    dry_run: bool
    first_data_line: int = 1
    committed: bool = False
    rows_read: int = 0
    employees: Counts = field(default_factory=Counts)
    managers_created: int = 0
    people_with_reports: int = 0
    signals: Counts = field(default_factory=Counts)
    sensitive: Counts = field(default_factory=Counts)
    issues: list[Issue] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        """Data rows with at least one problem."""
        lines = {i.line for i in self.issues if i.line is not None}
        return len({line for line in lines if line >= self.first_data_line})

    @property
    def people(self) -> int:
        """People the file describes, including managers named but without a row."""
        return self.employees.total

    def as_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready dict."""
        return {
            "file": self.file,
            "mapping": self.mapping,
            "entity": self.entity,
            "dry_run": self.dry_run,
            "committed": self.committed,
            "rows": {"read": self.rows_read, "rejected": self.rows_rejected},
            "people": self.people,
            "employees": self.employees.as_dict(),
            "managers_created": self.managers_created,
            "people_with_reports": self.people_with_reports,
            "signals": self.signals.as_dict(),
            "sensitive": self.sensitive.as_dict(),
            "issues": [issue.as_dict() for issue in self.issues],
        }
