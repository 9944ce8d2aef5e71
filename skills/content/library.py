"""The loaded content library and its lookups, shared read-only by every skill."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any, TypeVar

from skills.content.copytext import CopyBook
from skills.content.errors import UnknownContentError
from skills.content.models import (
    Competency,
    Family,
    FaqEntry,
    Framework,
    Level,
    Module,
    Role,
    Signal,
    WordList,
)
from skills.content.vocabulary import FAQ_IDS

_T = TypeVar("_T")


def normalise_title(title: str) -> str:
    """A job title folded for lookup: case, accents, punctuation and spacing ignored."""
    folded = unicodedata.normalize("NFKC", title).casefold()
    return " ".join(re.findall(r"[^\W_]+", folded))


class ContentLibrary:
    """Competencies, signals, roles, modules, word lists and copy, validated and indexed."""

    def __init__(
        self,
        *,
        framework: Framework,
        signals: Mapping[str, Signal],
        roles: Mapping[str, Role],
        modules: Mapping[str, Module],
        wordlists: Mapping[str, WordList],
        copybook: CopyBook,
    ) -> None:
        self.framework = framework
        self._competencies = {item.slug: item for item in framework.competencies}
        self._signals = dict(signals)
        self._roles = dict(roles)
        self._modules = dict(sorted(modules.items()))
        self._wordlists = dict(wordlists)
        self._copy = copybook
        self._titles = {
            normalise_title(name): role
            for role in self._roles.values()
            for name in (role.title, *role.aliases)
        }

    @property
    def levels(self) -> tuple[Level, ...]:
        """The proficiency levels, lowest first."""
        return self.framework.levels

    @property
    def families(self) -> tuple[Family, ...]:
        """The competency families."""
        return self.framework.families

    @property
    def competencies(self) -> tuple[Competency, ...]:
        """Every competency, in framework order."""
        return self.framework.competencies

    @property
    def signals(self) -> tuple[Signal, ...]:
        """Every signal kind's description."""
        return tuple(self._signals.values())

    @property
    def roles(self) -> tuple[Role, ...]:
        """Every role profile, by slug."""
        return tuple(self._roles[slug] for slug in sorted(self._roles))

    @property
    def modules(self) -> tuple[Module, ...]:
        """Every module, by slug."""
        return tuple(self._modules.values())

    def competency(self, slug: str) -> Competency:
        """The competency called `slug`."""
        return _get(self._competencies, slug, "competency")

    def module(self, slug: str) -> Module:
        """The module called `slug`."""
        return _get(self._modules, slug, "module")

    def signal(self, kind: str) -> Signal:
        """The description of signal kind `kind`."""
        return _get(self._signals, kind, "signal kind")

    def role(self, slug: str) -> Role:
        """The role profile called `slug`."""
        return _get(self._roles, slug, "role")

    def wordlist(self, name: str) -> WordList:
        """The word list called `name` (its file name without `.yaml`)."""
        return _get(self._wordlists, name, "word list")

    def wordlists(self) -> tuple[WordList, ...]:
        """Every word list."""
        return tuple(self._wordlists.values())

    def role_for_title(self, title: str) -> Role | None:
        """The role whose title or alias matches `title` (case and spacing ignored), if any."""
        return self._titles.get(normalise_title(title))

    def next_role(self, slug: str) -> Role | None:
        """The role one step up from `slug`, or None at the top of a track."""
        step = self.role(slug).next_level
        return None if step is None else self.role(step.role)

    def promotion_gaps(self, slug: str) -> dict[str, tuple[int, int]]:
        """Competencies whose expected level rises at the next step: slug -> (now, next)."""
        current = self.role(slug)
        target = self.next_role(slug)
        if target is None:
            return {}
        gaps = {}
        for competency, wanted in target.expectations.items():
            held = current.expectations.get(competency, 0)
            if wanted > held:
                gaps[competency] = (held, wanted)
        return gaps

    def modules_for_competency(self, slug: str, audience: str | None = None) -> tuple[Module, ...]:
        """Modules tagged with competency `slug`, for `audience` (plus `everyone`) if given."""
        self.competency(slug)
        return tuple(
            module
            for module in self._modules.values()
            if slug in module.competencies and _suits(module, audience)
        )

    def modules_for_signal(self, kind: str, audience: str | None = None) -> tuple[Module, ...]:
        """Modules that help when signal `kind` dips, best first.

        Modules naming the signal come first; then modules sharing the signal's competencies.
        Within each group, overlap with the signal's earlier (primary) competencies counts
        for more, and a module's own first competency counts double.
        """
        signal = self.signal(kind)
        weights = {
            slug: len(signal.competencies) - index
            for index, slug in enumerate(signal.competencies)
        }
        ranked = []
        for module in self._modules.values():
            if not _suits(module, audience):
                continue
            score = sum(
                weights.get(slug, 0) * (2 if index == 0 else 1)
                for index, slug in enumerate(module.competencies)
            )
            named = kind in module.signals
            if named or score:
                ranked.append((not named, -score, module.slug, module))
        return tuple(entry[-1] for entry in sorted(ranked))

    def module_choices(self) -> tuple[tuple[str, str], ...]:
        """`(slug, name)` pairs a person may use to name a module: each title, then aliases."""
        titles = tuple((module.slug, module.title) for module in self._modules.values())
        aliases = tuple(
            (module.slug, alias) for module in self._modules.values() for alias in module.aliases
        )
        return titles + aliases

    def examples(self, audience: str) -> tuple[str, ...]:
        """Example requests for `audience` (manager, employee or hr), one per line of copy."""
        text = self.copy(f"help.examples.{audience}")
        return tuple(line.strip() for line in text.splitlines() if line.strip())

    def copy(self, key: str, **values: Any) -> str:
        """The copy text `key` rendered with `values`."""
        return self._copy.render(key, **values)

    def copy_keys(self) -> tuple[str, ...]:
        """Every copy key."""
        return self._copy.names()

    def faq(self) -> tuple[FaqEntry, ...]:
        """The employee FAQ: the required questions first, then any HR added."""
        ids: list[str] = list(FAQ_IDS)
        for key in self._copy.names():
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "faq" and parts[1] not in ids:
                ids.append(parts[1])
        return tuple(
            FaqEntry(
                id=entry,
                question=self.copy(f"faq.{entry}.question"),
                answer=self.copy(f"faq.{entry}.answer"),
            )
            for entry in ids
        )

    def counts(self) -> dict[str, int]:
        """How many of each kind of item the library holds."""
        return {
            "levels": len(self.levels),
            "families": len(self.families),
            "competencies": len(self.competencies),
            "signals": len(self._signals),
            "roles": len(self._roles),
            "modules": len(self._modules),
            "wordlists": len(self._wordlists),
            "copy_keys": len(self._copy),
        }


def _get(items: Mapping[str, _T], key: str, kind: str) -> _T:
    try:
        return items[key]
    except KeyError:
        raise UnknownContentError(kind, key) from None


def _suits(module: Module, audience: str | None) -> bool:
    return audience is None or module.audience in (audience, "everyone")
