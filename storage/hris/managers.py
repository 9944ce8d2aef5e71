"""Who manages whom: the manager column of each row resolved to a person's external id.

By name, a manager is looked for among the file's rows first, then among people already
stored from the same source; an exact match of all words wins over a match of first and last
word only. A name that matches two people is refused rather than guessed. A manager named
but found nowhere is created as a person when the mapping says `missing: create`, under an
external id built from the name. By external id, the manager must be a row of the file or a
stored person. A row that manages itself, or a chain of managers that loops, is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from storage.hris.errors import Issue
from storage.hris.mapping import ManagerSpec
from storage.hris.names import NameKey, loose_key, name_key, slug
from storage.hris.plan import PersonRow


class _NameIndex:
    """External ids by full name and by first-and-last name."""

    def __init__(self, people: Iterable[tuple[str, str]]) -> None:
        self.exact: dict[NameKey, set[str]] = {}
        self.loose: dict[NameKey, set[str]] = {}
        for external_id, name in people:
            key = name_key(name)
            if key:
                self.exact.setdefault(key, set()).add(external_id)
                self.loose.setdefault(loose_key(key), set()).add(external_id)


@dataclass
class ManagerLinks:
    """Each row's manager as an external id, and the managers to create."""

    by_row: dict[str, str] = field(default_factory=dict)
    created: dict[str, str] = field(default_factory=dict)  # external id -> name

    def people_with_reports(self) -> int:
        """Distinct managers the rows name."""
        return len(set(self.by_row.values()))


def link_by_name(
    rows: list[PersonRow],
    spec: ManagerSpec,
    stored: list[tuple[str, str]],
    issues: list[Issue],
) -> ManagerLinks:
    """Resolve manager names against the rows, then `stored` (external id, name) people."""
    in_file = {row.external_id for row in rows}
    file_index = _NameIndex((row.external_id, str(row.fields["name"])) for row in rows)
    stored_index = _NameIndex(pair for pair in stored if pair[0] not in in_file)
    links = ManagerLinks()
    for row in rows:
        if row.manager is None:
            continue
        key = name_key(row.manager)
        matches = (
            file_index.exact.get(key)
            or stored_index.exact.get(key)
            or file_index.loose.get(loose_key(key))
            or stored_index.loose.get(loose_key(key))
        )
        if matches is not None and len(matches) > 1:
            names = ", ".join(sorted(matches))
            issues.append(
                Issue(row.line, spec.column, f"{row.manager!r} matches several people: {names}")
            )
        elif matches:
            links.by_row[row.external_id] = next(iter(matches))
        elif spec.missing == "create":
            external_id = spec.created_external_id.replace("{}", slug(row.manager))
            links.created.setdefault(external_id, row.manager)
            links.by_row[row.external_id] = external_id
        else:
            issues.append(
                Issue(row.line, spec.column, f"no person named {row.manager!r} in the file")
            )
    _check_chains(rows, links, spec.column, issues)
    return links


def link_by_id(
    rows: list[PersonRow], spec: ManagerSpec, stored: set[str], issues: list[Issue]
) -> ManagerLinks:
    """Resolve manager external ids against the rows, then the `stored` external ids."""
    known = {row.external_id for row in rows} | stored
    links = ManagerLinks()
    for row in rows:
        if row.manager is None:
            continue
        if row.manager in known:
            links.by_row[row.external_id] = row.manager
        else:
            issues.append(
                Issue(row.line, spec.column, f"no person with external id {row.manager!r}")
            )
    _check_chains(rows, links, spec.column, issues)
    return links


def _check_chains(
    rows: list[PersonRow], links: ManagerLinks, column: str, issues: list[Issue]
) -> None:
    line_of = {row.external_id: row.line for row in rows}
    settled: set[str] = set()
    for row in rows:
        chain: list[str] = []
        current: str | None = row.external_id
        while current is not None and current not in settled and current not in chain:
            chain.append(current)
            current = links.by_row.get(current)
        if current is not None and current in chain:
            loop = chain[chain.index(current) :]
            if len(loop) == 1:
                reason = "names the person as their own manager"
            else:
                lines = ", ".join(str(line_of[member]) for member in loop)
                reason = f"the chain of managers loops (lines {lines})"
            issues.append(Issue(line_of[current], column, reason))
        settled.update(chain)
