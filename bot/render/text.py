"""Plain-text rendering for the console (and for any channel's fallback text)."""

from __future__ import annotations

import textwrap

from skills.answer import Answer, Fact

WIDTH = 96


def render_answer(answer: Answer) -> str:
    """The whole answer as plain text: summary, facts, sections, sources and footer."""
    blocks = [answer.summary.strip()]
    numbers = _citation_numbers(answer)

    if answer.facts:
        blocks.append("\n".join(_fact_line(fact, numbers) for fact in answer.facts))
    if answer.talking_points:
        lines = [f"  - {_wrap(point, 4)}" for point in answer.talking_points]
        blocks.append("Talking points:\n" + "\n".join(lines))
    for section in answer.sections:
        marks = _marks(section.citations, numbers)
        lines = [f"  - {_wrap(line, 4)}" for line in section.lines]
        blocks.append(f"{section.title}{marks}:\n" + "\n".join(lines))
    if answer.actions:
        lines = [f"  - {action.label}: `{action.command}`" for action in answer.actions]
        blocks.append("Next:\n" + "\n".join(lines))
    if answer.citations:
        lines = [
            f"  [{numbers[c.ref]}] {c.label}" + (f": {c.detail}" if c.detail else "")
            for c in answer.citations
        ]
        blocks.append("Sources:\n" + "\n".join(_wrap(line, 6) for line in lines))
    if answer.footer is not None:
        blocks.append(_footer(answer))
    return "\n\n".join(block for block in blocks if block)


def _fact_line(fact: Fact, numbers: dict[str, int]) -> str:
    line = f"* {fact.label}: {fact.value}"
    if fact.baseline:
        line += f" ({fact.baseline})"
    line += _marks(fact.citations, numbers)
    if fact.why:
        line += f"\n    {_wrap(fact.why, 4)}"
    return line


def _citation_numbers(answer: Answer) -> dict[str, int]:
    return {citation.ref: index for index, citation in enumerate(answer.citations, start=1)}


def _marks(refs: tuple[str, ...], numbers: dict[str, int]) -> str:
    found = [f"[{numbers[ref]}]" for ref in refs if ref in numbers]
    return " " + "".join(found) if found else ""


def _footer(answer: Answer) -> str:
    footer = answer.footer
    assert footer is not None
    parts = [f"composer {footer.composer}", f"prompt pack {footer.prompt_pack}"]
    if footer.data_window:
        parts.insert(0, f"data {footer.data_window}")
    lines = ["-- " + "; ".join(parts)]
    if footer.sources:
        lines.append("   sources used: " + ", ".join(footer.sources))
    if footer.excluded_fields:
        lines.append("   excluded by policy: " + ", ".join(footer.excluded_fields))
    return "\n".join(_wrap(line, 3) for line in lines)


def _wrap(text: str, indent: int) -> str:
    return textwrap.fill(text, width=WIDTH, subsequent_indent=" " * indent, break_long_words=False)
