"""Notes and feedback: the hand-written story notes plus seeded notes for everyone else.

Generated notes are built from the sentence banks in source/phrases.yaml: a competency
family chosen by role, a tone leaning on the person's quality score, a topic from their
team's work, and an author who could plausibly have written it (their manager, a
teammate, a customer, or themself).
"""

from __future__ import annotations

import random
from typing import Any

from roster import Person

IC_WEIGHTS = {
    "delivery": 0.28,
    "communication": 0.2,
    "collaboration": 0.22,
    "leadership": 0.08,
    "craft": 0.22,
}
MANAGER_WEIGHTS = {
    "delivery": 0.2,
    "communication": 0.2,
    "collaboration": 0.2,
    "leadership": 0.35,
    "craft": 0.05,
}
VISIBILITY = {
    "manager_note": "manager",
    "peer": "subject",
    "customer": "subject",
    "self": "subject",
}
PRONOUNS = {
    "Female": ("she", "her", "her"),
    "Male": ("he", "him", "his"),
    "Non-binary": ("they", "them", "their"),
}
MINUTES_PER_DAY = 1440


def build_notes(
    people: list[Person], phrases: dict[str, Any], stories: dict[str, Any], seed: int
) -> list[dict[str, Any]]:
    """Every note, oldest first per subject, each with a stable demo id."""
    rng = random.Random(f"{seed}:notes")
    notes = [_story_note(entry, rng) for entry in stories["notes"]]
    story_only = set(stories["only_story_notes"])
    fixed_counts: dict[str, int] = {}
    for entry in stories["notes"]:
        fixed_counts[entry["subject"]] = fixed_counts.get(entry["subject"], 0) + 1

    by_id = {person.id: person for person in people}
    for person in people:
        if person.id in story_only:
            continue
        wanted = rng.randint(3, 7) - fixed_counts.get(person.id, 0)
        used: set[str] = set()
        for _ in range(max(0, wanted)):
            note = _generated_note(person, by_id, phrases, used, rng)
            if note is not None:
                notes.append(note)

    notes.sort(key=lambda note: (note["subject"], -note["minutes_ago"], note["text"]))
    for number, note in enumerate(notes, start=1):
        note["id"] = f"demo-note-{number:04d}"
    return [{"id": note.pop("id"), **note} for note in notes]


def _story_note(entry: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    kind = entry["kind"]
    return {
        "subject": entry["subject"],
        "author": entry["author"],
        "author_label": entry.get("author_label"),
        "kind": kind,
        "category": entry.get("category", "general"),
        "visibility": entry.get("visibility", VISIBILITY[kind]),
        "competency": entry["competency"],
        "minutes_ago": _minutes(int(entry["days_ago"]), rng),
        "text": entry["text"],
    }


def _minutes(days_ago: int, rng: random.Random) -> int:
    return days_ago * MINUTES_PER_DAY + rng.randrange(0, 600, 5)


def _kind(person: Person, rng: random.Random) -> str:
    weights = {"manager_note": 0.45, "peer": 0.35, "customer": 0.12, "self": 0.08}
    if person.family not in ("support", "sales") or person.is_manager:
        weights["customer"] = 0.0
    if person.manager is None:
        weights["manager_note"] = 0.0
    kinds = list(weights)
    return rng.choices(kinds, weights=[weights[kind] for kind in kinds])[0]


def _author(person: Person, kind: str, by_id: dict[str, Person], rng: random.Random) -> str | None:
    if kind == "manager_note":
        return person.manager
    if kind == "self":
        return person.id
    if kind == "customer":
        return None
    if person.is_manager:
        peers = [p for p in by_id.values() if p.is_manager and p.id != person.id]
    else:
        peers = [p for p in by_id.values() if p.team == person.team and not p.is_manager]
    peers = [p for p in peers if p.id != person.id and p.is_active and p.hire_days_ago > 30]
    return rng.choice(peers).id if peers else None


def _generated_note(
    person: Person,
    by_id: dict[str, Person],
    phrases: dict[str, Any],
    used: set[str],
    rng: random.Random,
) -> dict[str, Any] | None:
    kind = _kind(person, rng)
    author = _author(person, kind, by_id, rng)
    if kind == "peer" and author is None:
        return None
    competency, template = _template(person, kind, phrases, used, rng)
    if template is None:
        return None
    used.add(template)

    topics = phrases["topics"][person.team]
    if person.is_manager:
        topics = topics + phrases["topics"]["leadership"]
    pron, obj, poss = PRONOUNS[person.sex]
    text = template.format(
        first=person.first,
        pron=pron,
        Pron=pron.capitalize(),
        obj=obj,
        poss=poss,
        topic=rng.choice(topics),
    )
    customer = rng.choice(phrases["customers"]) if kind == "customer" else None
    return {
        "subject": person.id,
        "author": author,
        "author_label": f"Customer, {customer}" if customer else None,
        "kind": kind,
        "category": "general",
        "visibility": VISIBILITY[kind],
        "competency": competency,
        "minutes_ago": _minutes(_days_ago(person, rng), rng),
        "text": text[0].upper() + text[1:],
    }


def _template(
    person: Person, kind: str, phrases: dict[str, Any], used: set[str], rng: random.Random
) -> tuple[str, str | None]:
    """A competency and an unused sentence for this kind of note."""
    if kind in ("customer", "self"):
        pool = phrases["customer"][person.family] if kind == "customer" else phrases["self"]
        options = [(comp, text) for comp, text in pool if text not in used]
        return rng.choice(options) if options else ("", None)

    weights = MANAGER_WEIGHTS if person.is_manager else IC_WEIGHTS
    competency = rng.choices(list(weights), weights=list(weights.values()))[0]
    strength_share = min(0.92, max(0.35, 0.7 + 0.12 * person.quality))
    tone = "strength" if rng.random() < strength_share else "growth"
    bank = phrases["observations"][competency]
    sentences = bank.get("any", {}).get(tone, []) + bank.get(person.family, {}).get(tone, [])
    unused: list[str] = [text for text in sentences if text not in used]
    return competency, (rng.choice(unused) if unused else None)


def _days_ago(person: Person, rng: random.Random) -> int:
    """A day within the last six months while the person was employed."""
    newest = (person.terminated_days_ago or 0) + 3
    oldest = min(178, person.hire_days_ago - 7)
    return rng.randint(newest, max(newest, oldest))
