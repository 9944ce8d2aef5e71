"""Loading and validating everything under `content/`, once per process and root.

Reads `competencies.yaml`, `signals.yaml`, `roles/*.yaml`, `modules/*.md`,
`wordlists/*.yaml` and `copy/*.yaml` (other folders, such as `demo/`, belong to other parts
of Tandem and are not read here). Every problem is collected before failing, each naming the
file (relative to the root) and the field; list items are named by their slug where they
have one, otherwise by their position counted from 1:
`modules/delegation.md: quiz[2].answer: no option is marked [x]; ...`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from skills.content import crossref
from skills.content.copytext import CopyBuilder
from skills.content.errors import ContentError, ContentProblem
from skills.content.library import ContentLibrary
from skills.content.models import Framework, Module, Role, Signal, WordList
from skills.content.module_file import parse_module
from skills.content.yaml_source import load_yaml

logger = logging.getLogger(__name__)

_M = TypeVar("_M", bound=BaseModel)


def load_library(root: Path) -> ContentLibrary:
    """The validated library under `root`, loaded once per process for each root.

    Raises:
        ContentError: with every problem found, when anything fails validation.
    """
    return _load_cached(Path(root).resolve())


def clear_library_cache() -> None:
    """Forget loaded libraries, so the next `load_library` reads the files again."""
    _load_cached.cache_clear()


@lru_cache(maxsize=8)
def _load_cached(root: Path) -> ContentLibrary:
    started = time.perf_counter()
    library = _Loader(root).load()
    elapsed_ms = (time.perf_counter() - started) * 1000
    logger.info("Content library loaded (root=%s, ms=%.0f)", root, elapsed_ms)
    return library


@dataclass
class _Loader:
    root: Path
    problems: list[ContentProblem] = field(default_factory=list)

    def load(self) -> ContentLibrary:
        if not self.root.is_dir():
            raise ContentError([ContentProblem(str(self.root), "(folder)", "not a folder")])
        framework_raw = self._read_yaml("competencies.yaml")
        framework = self._validate(Framework, framework_raw, "competencies.yaml")
        signals = self._load_signals()
        roles = self._load_folder("roles", "*.yaml", Role, "slug")
        modules = self._load_modules()
        wordlists = self._load_folder("wordlists", "*.yaml", WordList, "name")
        copy = self._load_copy()

        known = crossref.Known.from_raw(framework_raw, signals)
        self.problems += crossref.check_framework(framework, file="competencies.yaml")
        self.problems += crossref.check_signals(signals, known, file="signals.yaml")
        self.problems += crossref.check_roles(roles, known)
        self.problems += crossref.check_modules(modules, known)
        self.problems += crossref.check_wordlists(wordlists)
        self.problems += crossref.check_copy(copy)
        if self.problems or framework is None:
            raise ContentError(self.problems)

        return ContentLibrary(
            framework=framework,
            signals=signals,
            roles={slug: role for slug, (_, role) in roles.items()},
            modules={slug: module for slug, (_, module) in modules.items()},
            wordlists={name: wordlist for name, (_, wordlist) in wordlists.items()},
            copybook=copy.build(),
        )

    def _read_yaml(self, relative: str) -> Any:
        path = self.root / relative
        if not path.is_file():
            self.problems.append(ContentProblem(relative, "(file)", "missing"))
            return None
        try:
            return load_yaml(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            message = f"not valid YAML: {exc}".replace("\n", " ")
            self.problems.append(ContentProblem(relative, "(file)", message))
            return None

    def _validate(self, model: type[_M], raw: Any, file: str) -> _M | None:
        if raw is None:
            return None
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            self.problems += problems_from(exc, raw, file=file)
            return None

    def _load_signals(self) -> dict[str, Signal]:
        raw = self._read_yaml("signals.yaml")
        if raw is None:
            return {}
        if not isinstance(raw, dict) or set(raw) != {"signals"}:
            message = "must hold one key, 'signals', mapping each kind to its description"
            self.problems.append(ContentProblem("signals.yaml", "(file)", message))
            return {}
        signals: dict[str, Signal] = {}
        for kind, spec in (raw["signals"] or {}).items():
            data = {"kind": kind, **spec} if isinstance(spec, dict) else spec
            signal = self._validate_item(Signal, data, "signals.yaml", f"signals.{kind}")
            if signal is not None:
                signals[signal.kind] = signal
        return signals

    def _validate_item(self, model: type[_M], raw: Any, file: str, prefix: str) -> _M | None:
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            self.problems += problems_from(exc, raw, file=file, prefix=prefix)
            return None

    def _load_folder(
        self, folder: str, pattern: str, model: type[_M], key: str
    ) -> dict[str, tuple[str, _M]]:
        loaded: dict[str, tuple[str, _M]] = {}
        paths = sorted((self.root / folder).glob(pattern))
        if not paths:
            self.problems.append(ContentProblem(folder, "(folder)", f"no {pattern} files"))
        for path in paths:
            relative = f"{folder}/{path.name}"
            item = self._validate(model, self._read_yaml(relative), relative)
            if item is not None:
                self._keep(loaded, getattr(item, key), item, relative, key, path.stem)
        return loaded

    def _keep(
        self,
        loaded: dict[str, tuple[str, _M]],
        name: str,
        item: _M,
        relative: str,
        key: str,
        stem: str,
    ) -> None:
        if name != stem:
            message = f"{name!r} must match the file name ({stem!r})"
            self.problems.append(ContentProblem(relative, key, message))
        elif name in loaded:
            message = f"{name!r} is already used by {loaded[name][0]}"
            self.problems.append(ContentProblem(relative, key, message))
        else:
            loaded[name] = (relative, item)

    def _load_modules(self) -> dict[str, tuple[str, Module]]:
        loaded: dict[str, tuple[str, Module]] = {}
        paths = sorted((self.root / "modules").glob("*.md"))
        if not paths:
            self.problems.append(ContentProblem("modules", "(folder)", "no *.md files"))
        for path in paths:
            relative = f"modules/{path.name}"
            parsed = parse_module(path.read_text(encoding="utf-8"), file=relative)
            self.problems += parsed.problems
            if not parsed.data:
                continue
            module = self._validate(Module, parsed.data, relative)
            if module is not None:
                self._keep(loaded, module.slug, module, relative, "slug", path.stem)
        return loaded

    def _load_copy(self) -> CopyBuilder:
        builder = CopyBuilder()
        for path in sorted((self.root / "copy").glob("*.yaml")):
            relative = f"copy/{path.name}"
            data = self._read_yaml(relative)
            if data is not None:
                builder.add_file(path.stem, data, file=relative)
        self.problems += builder.problems
        return builder


def problems_from(
    exc: ValidationError, raw: Any, *, file: str, prefix: str = ""
) -> list[ContentProblem]:
    """One problem per pydantic error, its field path read against the raw data."""
    problems = []
    for error in exc.errors():
        path = field_path(error["loc"], raw, prefix=prefix)
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        elif error["type"] == "missing":
            message = "required, but missing"
        else:
            message = error["msg"].removeprefix("Value error, ")
        problems.append(ContentProblem(file, path or "(file)", message))
    return problems


def field_path(loc: tuple[int | str, ...], raw: Any, *, prefix: str = "") -> str:
    """A readable field path: list positions from 1, mapping keys after dots."""
    path = prefix
    node = raw
    for part in loc:
        if isinstance(node, list) and isinstance(part, int):
            node = node[part] if part < len(node) else None
            name = node.get("slug") if isinstance(node, dict) else None
            path += f"[{name}]" if isinstance(name, str) else f"[{part + 1}]"
        else:
            path += f".{part}" if path else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return path
