"""User-facing copy: keyed Jinja2 templates that HR can edit without touching code.

Each `copy/<namespace>.yaml` holds a mapping, possibly nested; keys are flattened with dots
under the file's name, so `errors.yaml` -> `internal:` becomes `errors.internal`. Templates
run in a sandboxed environment with `StrictUndefined`, so a missing placeholder is an error
instead of an empty gap in a message. Every template is parsed when the library loads (so a
syntax error fails start-up) and compiled the first time it is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from skills.content.errors import ContentProblem, CopyRenderError, UnknownContentError

_KEY_PART = re.compile(r"^[a-z0-9_]+$")


def make_environment() -> SandboxedEnvironment:
    """The sandboxed Jinja2 environment every copy template is compiled in."""
    return SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
    )


class CopyBook:
    """Copy templates by dotted key, compiled on first use."""

    def __init__(
        self,
        env: SandboxedEnvironment,
        sources: Mapping[str, str],
        parsed: Mapping[str, nodes.Template],
    ) -> None:
        self._env = env
        self._sources = dict(sources)
        self._parsed = dict(parsed)
        self._compiled: dict[str, Template] = {}

    def __contains__(self, key: object) -> bool:
        return key in self._parsed

    def __len__(self) -> int:
        return len(self._parsed)

    def names(self) -> tuple[str, ...]:
        """Every copy key, in file order."""
        return tuple(self._parsed)

    def source(self, key: str) -> str:
        """The raw template text of `key`."""
        if key not in self._sources:
            raise UnknownContentError("copy key", key)
        return self._sources[key]

    def render(self, key: str, **values: Any) -> str:
        """Render `key` with `values`; every placeholder the template uses must be given."""
        template = self._compiled.get(key)
        if template is None:
            parsed = self._parsed.get(key)
            if parsed is None:
                raise UnknownContentError("copy key", key)
            template = self._compiled.setdefault(key, self._env.from_string(parsed))
        try:
            return template.render(**values).strip()
        except TemplateError as exc:
            raise CopyRenderError(key, str(exc)) from None


class CopyBuilder:
    """Collects copy files, parsing each template and recording problems by file and key."""

    def __init__(self) -> None:
        self.env = make_environment()
        self.sources: dict[str, str] = {}
        self.parsed: dict[str, nodes.Template] = {}
        self.variables: dict[str, frozenset[str]] = {}
        self.files: dict[str, str] = {}
        self.problems: list[ContentProblem] = []

    def add_file(self, namespace: str, data: object, *, file: str) -> None:
        """Flatten one file's mapping under `namespace` and parse its strings."""
        if not _KEY_PART.match(namespace):
            message = "file names must be lower case letters, digits and underscores"
            self.problems.append(ContentProblem(file, "(file name)", message))
            return
        if not isinstance(data, dict):
            self.problems.append(ContentProblem(file, namespace, "must be a mapping of keys"))
            return
        self._add_mapping(namespace, data, file=file)

    def _add_mapping(self, prefix: str, data: dict[Any, Any], *, file: str) -> None:
        for part, value in data.items():
            key = f"{prefix}.{part}"
            if not isinstance(part, str) or not _KEY_PART.match(part):
                message = "keys must be lower case letters, digits and underscores"
                self.problems.append(ContentProblem(file, key, message))
            elif isinstance(value, dict):
                self._add_mapping(key, value, file=file)
            elif isinstance(value, str) and value.strip():
                self._parse(key, value, file=file)
            else:
                self.problems.append(ContentProblem(file, key, "must be non-empty text"))

    def _parse(self, key: str, text: str, *, file: str) -> None:
        if key in self.parsed:
            where = self.files[key]
            self.problems.append(ContentProblem(file, key, f"already defined in {where}"))
            return
        try:
            parsed = self.env.parse(text)
        except TemplateError as exc:
            self.problems.append(ContentProblem(file, key, f"template error: {exc}"))
            return
        self.sources[key] = text
        self.parsed[key] = parsed
        self.variables[key] = frozenset(meta.find_undeclared_variables(parsed))
        self.files[key] = file

    def build(self) -> CopyBook:
        """The finished copy book."""
        return CopyBook(self.env, self.sources, self.parsed)
