"""Reading a module file: YAML front matter, then Markdown sections, then a checkbox quiz.

A module file looks like this (HR can edit it in any text editor):

```
---
slug: giving-feedback
title: Giving feedback that lands
competencies: [feedback]
audience: manager
minutes: 4
signals: [pulse_score]        # optional
---

## Objective
...
## Lesson
...
## Practice
...
## Quiz

### A question ending in a question mark?
- [ ] a wrong option
- [x] the right option (exactly one is ticked)
- [ ] another wrong option

Why: the explanation shown after answering.

## Next 1:1
...
```

The reader returns plain data for the `Module` model plus the problems it found, so that one
bad file reports every problem at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from skills.content.errors import ContentProblem
from skills.content.yaml_source import load_yaml

SECTIONS: dict[str, str] = {
    "objective": "objective",
    "lesson": "lesson",
    "practice": "practice",
    "quiz": "quiz",
    "next 1:1": "next_one_on_one",
}
"""Section headings (lower case) and the model field each fills."""

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_SECTION = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)
_OPTION = re.compile(r"^[-*]\s+\[( |x|X)\]\s+(.+)$")


@dataclass
class ParsedModule:
    """A module file split into fields, with the problems met on the way."""

    data: dict[str, Any] = field(default_factory=dict)
    problems: list[ContentProblem] = field(default_factory=list)


def parse_module(text: str, *, file: str) -> ParsedModule:
    """Split a module file's text into model fields; problems name `file` and the field."""
    parsed = ParsedModule()
    match = _FRONT_MATTER.match(text)
    if match is None:
        parsed.problems.append(
            ContentProblem(file, "front matter", "the file must start with '---' front matter")
        )
        return parsed

    try:
        front = load_yaml(match.group(1))
    except yaml.YAMLError as exc:
        parsed.problems.append(ContentProblem(file, "front matter", f"invalid YAML: {exc}"))
        return parsed
    if not isinstance(front, dict):
        parsed.problems.append(ContentProblem(file, "front matter", "must be a mapping"))
        return parsed

    clashes = sorted(set(front) & set(SECTIONS.values()))
    for key in clashes:
        parsed.problems.append(ContentProblem(file, key, "belongs in a section, not front matter"))
    parsed.data.update(front)
    _read_sections(text[match.end() :], parsed, file=file)
    return parsed


def _read_sections(body: str, parsed: ParsedModule, *, file: str) -> None:
    headings = list(_SECTION.finditer(body))
    if headings and body[: headings[0].start()].strip():
        parsed.problems.append(ContentProblem(file, "body", "text before the first section"))
    seen: set[str] = set()
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(body)
        content = body[heading.end() : end].strip()
        name = heading.group(1).strip().lower()
        target = SECTIONS.get(name)
        if target is None:
            known = ", ".join(f"'## {title.title()}'" for title in SECTIONS)
            message = f"unknown section '## {heading.group(1)}' (sections: {known})"
            parsed.problems.append(ContentProblem(file, "body", message))
            continue
        if target in seen:
            parsed.problems.append(ContentProblem(file, target, "section appears twice"))
            continue
        seen.add(target)
        if target == "quiz":
            parsed.data["quiz"] = _read_quiz(content, parsed, file=file)
        else:
            parsed.data[target] = content
    for title, target in SECTIONS.items():
        if target not in seen:
            parsed.problems.append(ContentProblem(file, target, f"missing section '## {title}'"))


def _read_quiz(text: str, parsed: ParsedModule, *, file: str) -> list[dict[str, Any]]:
    blocks = re.split(r"^###\s+", text, flags=re.MULTILINE)
    if blocks[0].strip():
        parsed.problems.append(
            ContentProblem(file, "quiz", "each question must start with a '### ' heading")
        )
    questions = []
    for number, block in enumerate(blocks[1:], start=1):
        questions.append(_read_question(block, parsed, file=file, where=f"quiz[{number}]"))
    return questions


def _read_question(block: str, parsed: ParsedModule, *, file: str, where: str) -> dict[str, Any]:
    lines = block.splitlines()
    question: dict[str, Any] = {"question": lines[0].strip(), "options": []}
    ticked: list[int] = []
    explanation: list[str] = []
    for raw in lines[1:]:
        line = raw.strip()
        option = _OPTION.match(line)
        if explanation:
            explanation.append(line)
        elif option:
            if option.group(1) != " ":
                ticked.append(len(question["options"]))
            question["options"].append(option.group(2).strip())
        elif line.lower().startswith("why:"):
            explanation.append(line[4:].strip())
        elif line:
            message = f"unexpected line {line[:40]!r}: expected '- [ ] option' or 'Why: ...'"
            parsed.problems.append(ContentProblem(file, where, message))

    if len(ticked) == 1:
        question["answer"] = ticked[0]
    else:
        how = "no option is" if not ticked else f"{len(ticked)} options are"
        message = f"{how} marked [x]; mark exactly one right answer"
        parsed.problems.append(ContentProblem(file, f"{where}.answer", message))
        question["answer"] = 0
    if explanation:
        question["explanation"] = " ".join(part for part in explanation if part)
    else:
        parsed.problems.append(ContentProblem(file, f"{where}.explanation", "missing 'Why: ...'"))
        question["explanation"] = "-"
    return question
