"""What goes wrong with the content library, as a small tree.

```
ContentLibraryError
 ├── ContentError           the files under content/ fail validation; carries every problem
 ├── UnknownContentError    (also LookupError) a slug or copy key the library does not hold
 └── CopyRenderError        a copy template could not be rendered with the values given
```
"""

from __future__ import annotations

from dataclasses import dataclass


class ContentLibraryError(Exception):
    """Base class for every content-library error."""


@dataclass(frozen=True)
class ContentProblem:
    """One validation problem: the file (relative to the content root), the field and why."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


class ContentError(ContentLibraryError, ValueError):
    """The content library does not validate; `problems` lists every problem found."""

    def __init__(self, problems: list[ContentProblem]) -> None:
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "no details"
        more = len(self.problems) - 1
        suffix = f" (and {more} more)" if more > 0 else ""
        super().__init__(f"content library is invalid: {first}{suffix}")


class UnknownContentError(ContentLibraryError, LookupError):
    """A lookup for something the library does not hold; `kind` and `key` say what."""

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"unknown {kind}: {key!r}")


class CopyRenderError(ContentLibraryError, ValueError):
    """A copy template failed to render, usually because a placeholder had no value."""

    def __init__(self, key: str, reason: str) -> None:
        self.key = key
        self.reason = reason
        super().__init__(f"copy {key!r} could not be rendered: {reason}")
