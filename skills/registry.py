"""Which skill answers which intent, for which purpose, about whom.

Intents whose skill is not built yet are listed with no handler: the dispatcher answers
them plainly as not available yet instead of pretending.
"""

from __future__ import annotations

from skills import dispute, log_one_on_one, my_data, prep_one_on_one
from skills.base import SkillSpec

SKILLS: dict[str, SkillSpec] = {
    spec.intent: spec
    for spec in (
        SkillSpec("prep_one_on_one", "prep", "other", prep_one_on_one.handle, "1:1 preparation"),
        SkillSpec("log_one_on_one", "prep", "other", log_one_on_one.handle, "logging a 1:1"),
        SkillSpec("draft_review", "review", "other", None, "review drafts"),
        SkillSpec("self_evaluation", "review", "self", None, "self-evaluation drafts"),
        SkillSpec("suggest_goals", "goals", "other", None, "goal suggestions"),
        SkillSpec("assign_module", "learning", "other", None, "assigning modules"),
        SkillSpec("skills_gap", "learning", "other", None, "skills-gap analysis"),
        SkillSpec("promotion_readiness", "review", "other", None, "promotion readiness"),
        SkillSpec("my_data", "my_data", "self", my_data.handle, "your data"),
        SkillSpec("dispute", "my_data", "self", dispute.handle, "disputes"),
    )
}


def spec_for(intent: str) -> SkillSpec | None:
    """The skill for an intent, or None for help and unknown intents."""
    return SKILLS.get(intent)
