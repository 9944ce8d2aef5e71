"""The demo's people: the fixed ones from source/roster.yaml plus seeded generated ones."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

SENIOR_HIRE_DAYS = (700, 3000)
JUNIOR_HIRE_DAYS = (200, 1500)
RECENT_HIRE_DAYS = (95, 160)
RECENT_HIRE_SHARE = 0.06


@dataclass
class Person:
    """One person of the demo organisation, with offsets instead of dates."""

    id: str
    name: str
    title: str
    team: str
    department: str | None
    family: str
    manager: str | None
    location: str
    timezone: str
    hire_days_ago: int
    sex: str
    ethnicity: str
    birth_year: int
    email: str = ""
    is_hr_admin: bool = False
    terminated_days_ago: int | None = None
    termination_reason: str | None = None
    quality: float = 0.0
    reports: list[str] = field(default_factory=list)

    @property
    def first(self) -> str:
        """The first name."""
        return self.name.split()[0]

    @property
    def is_active(self) -> bool:
        """False for people who have left."""
        return self.terminated_days_ago is None

    @property
    def is_manager(self) -> bool:
        """True for people with reports."""
        return bool(self.reports)

    def as_record(self) -> dict[str, Any]:
        """The person as written to people.yaml (no generator-only fields)."""
        return {
            "external_id": self.id,
            "name": self.name,
            "email": self.email,
            "title": self.title,
            "role": re.sub(r"[^a-z]+", "-", self.title.lower()).strip("-"),
            "team": self.team,
            "department": self.department,
            "manager": self.manager,
            "location": self.location,
            "timezone": self.timezone,
            "hire_days_ago": self.hire_days_ago,
            "terminated_days_ago": self.terminated_days_ago,
            "is_hr_admin": self.is_hr_admin,
            "chat": {"console": self.email},
            "sensitive": {
                "sex": self.sex,
                "ethnicity": self.ethnicity,
                "birth_year": self.birth_year,
                "termination_reason": self.termination_reason,
            },
        }


def email_for(name: str, domain: str) -> str:
    """firstname.lastname@domain, letters only."""
    first, *rest = name.lower().split()
    last = rest[-1] if rest else ""
    return f"{re.sub('[^a-z]', '', first)}.{re.sub('[^a-z]', '', last)}@{domain}"


def build_people(roster: dict[str, Any], rng: random.Random) -> list[Person]:
    """Every person, fixed then generated, with emails, reports and a quality score."""
    teams: dict[str, Any] = roster["teams"]
    people = [_fixed(entry, teams) for entry in roster["people"]]
    managers = {p.team: p.id for p in people if "Manager" in p.title or "Lead" in p.title}
    taken_first = {p.first for p in people}
    taken_last = {p.name.split()[-1] for p in people}

    next_id = int(roster["first_generated_id"])
    for team, spec in teams.items():
        for _ in range(int(spec.get("generated", 0))):
            person = _generated(f"demo-{next_id:03d}", team, spec, managers[team], roster, rng)
            while person.first in taken_first or person.name.split()[-1] in taken_last:
                person = _generated(person.id, team, spec, managers[team], roster, rng)
            taken_first.add(person.first)
            taken_last.add(person.name.split()[-1])
            people.append(person)
            next_id += 1

    by_id = {p.id: p for p in people}
    for person in people:
        person.email = email_for(person.name, roster["email_domain"])
        person.quality = round(rng.gauss(0.0, 1.0), 3)
        if person.manager:
            by_id[person.manager].reports.append(person.id)
    return people


def _fixed(entry: dict[str, Any], teams: dict[str, Any]) -> Person:
    spec = teams[entry["team"]]
    return Person(
        id=entry["id"],
        name=entry["name"],
        title=entry["title"],
        team=entry["team"],
        department=spec["department"],
        family=spec["family"],
        manager=entry["manager"],
        location=entry["location"],
        timezone=entry["timezone"],
        hire_days_ago=int(entry["hire_days_ago"]),
        sex=entry["sex"],
        ethnicity=entry["ethnicity"],
        birth_year=int(entry["birth_year"]),
        is_hr_admin=bool(entry.get("is_hr_admin", False)),
        terminated_days_ago=entry.get("terminated_days_ago"),
        termination_reason=entry.get("termination_reason"),
    )


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    names = list(weights)
    return rng.choices(names, weights=[weights[name] for name in names])[0]


def _generated(
    person_id: str,
    team: str,
    spec: dict[str, Any],
    manager: str,
    roster: dict[str, Any],
    rng: random.Random,
) -> Person:
    sex = _weighted(rng, roster["sex_weights"])
    first = rng.choice(roster["first_names"][sex])
    last = rng.choice(roster["last_names"])
    senior = rng.random() < float(spec["senior_share"])
    location, timezone = rng.choice(spec["places"])
    low, high = SENIOR_HIRE_DAYS if senior else JUNIOR_HIRE_DAYS
    if rng.random() < RECENT_HIRE_SHARE:
        low, high = RECENT_HIRE_DAYS
    born_low, born_high = (1976, 1991) if senior else (1987, 2001)
    return Person(
        id=person_id,
        name=f"{first} {last}",
        title=spec["titles"][1 if senior else 0],
        team=team,
        department=spec["department"],
        family=spec["family"],
        manager=manager,
        location=location,
        timezone=timezone,
        hire_days_ago=rng.randint(low, high),
        sex=sex,
        ethnicity=_weighted(rng, roster["ethnicity_weights"]),
        birth_year=rng.randint(born_low, born_high),
    )
