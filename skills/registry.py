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
        SkillSpec("prep_one_on_one", "prep", "other", prep_one_on_one.handle, "prepare 1:1s"),
        SkillSpec("log_one_on_one", "prep", "other", log_one_on_one.handle, "log 1:1s"),
        SkillSpec("draft_review", "review", "other", None, "draft reviews"),
        SkillSpec("self_evaluation", "review", "self", None, "draft self-evaluations"),
        SkillSpec("suggest_goals", "goals", "other", None, "suggest goals"),
        SkillSpec("assign_module", "learning", "other", None, "assign modules"),
        SkillSpec("skills_gap", "learning", "other", None, "analyse skills gaps"),
        SkillSpec("promotion_readiness", "review", "other", None, "assess promotion readiness"),
        SkillSpec("my_data", "my_data", "self", my_data.handle, "show your data"),
        SkillSpec("dispute", "my_data", "self", dispute.handle, "take disputes"),
    )
}


def spec_for(intent: str) -> SkillSpec | None:
    """The skill for an intent, or None for help and unknown intents."""
    return SKILLS.get(intent)
