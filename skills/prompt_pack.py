"""Prompt packs: versioned phrase templates for the offline composer (and, later, prompts).

A pack is a folder `prompts/<name>/` with `pack.yaml` (name, version, description) and one
YAML file per skill whose leaves are Jinja2 templates. Templates run sandboxed with
`StrictUndefined`: a missing value is an error, never an empty gap.

Errors:
    PromptPackError: the pack is missing, malformed, or a template fails; names file and key.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment

_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


@lru_cache(maxsize=4096)
def _compiled(source: str) -> Template:
    # Compiling is most of the cost of a render; pack texts are few and never change.
    return _ENV.from_string(source)


class PromptPackError(ValueError):
    """A prompt pack cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class PromptPack:
    """A loaded pack: its identity and its template groups by file name."""

    name: str
    version: str
    groups: dict[str, dict[str, Any]]

    @property
    def label(self) -> str:
        """`name@version`, as shown in footers and audit events."""
        return f"{self.name}@{self.version}"

    def raw(self, group: str, path: str) -> Any:
        """The raw value at `path` (dotted) in a group, or None when absent."""
        node: Any = self.groups.get(group, {})
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def render(self, group: str, path: str, **values: Any) -> str:
        """Render the template at `path` in a group with `values`."""
        source = self.raw(group, path)
        if not isinstance(source, str):
            raise PromptPackError(f"{self.name}/{group}.yaml: no template at '{path}'")
        try:
            return _compiled(source).render(**values).strip()
        except TemplateError as exc:
            raise PromptPackError(f"{self.name}/{group}.yaml: '{path}': {exc}") from None


def render_string(source: str, **values: Any) -> str:
    """Render one template string (a list item of a pack) with `values`."""
    try:
        return _compiled(source).render(**values).strip()
    except TemplateError as exc:
        raise PromptPackError(f"template {source[:40]!r}...: {exc}") from None


@lru_cache(maxsize=8)
def load_pack(root: Path, name: str) -> PromptPack:
    """Load and check a pack once per process."""
    folder = root / name
    header = _read(folder / "pack.yaml")
    for key in ("name", "version"):
        if not isinstance(header.get(key), str):
            raise PromptPackError(f"{name}/pack.yaml: '{key}' must be a string")
    groups = {
        path.stem: _read(path)
        for path in sorted(folder.glob("*.yaml"))
        if path.name != "pack.yaml"
    }
    for group, tree in groups.items():
        _compile_all(f"{name}/{group}.yaml", tree, "")
    return PromptPack(header["name"], header["version"], groups)


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise PromptPackError(f"prompt pack file not found: {path}")
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PromptPackError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(loaded, dict):
        raise PromptPackError(f"{path.name}: the top level must be a mapping")
    return loaded


def _compile_all(file: str, node: Any, path: str) -> None:
    if isinstance(node, dict):
        for key, child in node.items():
            _compile_all(file, child, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            _compile_all(file, child, f"{path}[{index}]")
    elif isinstance(node, str):
        try:
            _compiled(node)
        except TemplateError as exc:
            raise PromptPackError(f"{file}: '{path}': {exc}") from None
