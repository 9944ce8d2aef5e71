"""Which intent a message asks for: weighted keyword patterns, summed per intent.

Patterns run over the message's words after typo correction and after the meeting words
are made canonical ("1:1", "1-1", "one on one", "121" all read `oneonone`). Each pattern
adds its weight once; the best sum wins when it reaches `MIN_SCORE`, else the message gets
help. Two slot findings add evidence too: a named module leans towards `assign_module`, a
short id (`D12`) towards `dispute`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.router.model import HELP, INTENTS

MIN_SCORE = 1.5
"""The least evidence for any intent other than help."""

MODULE_WEIGHT = 1.75
REF_WEIGHT = 1.5
OUTCOME_WEIGHT = 2.0

_MEET = r"(?:oneonone|catchup|checkin|sync|meeting|chat)"

_RULES: tuple[tuple[str, float, str], ...] = (
    ("prep_one_on_one", 2.0, r"\b(?:prep|prepare|preparing|prepping|prepped)\b"),
    ("prep_one_on_one", 2.0, r"\b(?:get|getting|got|be) (?:me |myself )?ready\b"),
    ("prep_one_on_one", 1.5, rf"\b{_MEET}\b"),
    (
        "prep_one_on_one",
        2.0,
        r"\b(?:talking (?:points|pts)|agenda|talk about|discuss|bring up|raise|cover|pointers"
        r"|topics)\b",
    ),
    ("log_one_on_one", 3.0, rf"\b{_MEET}\b.*\b(?:done|finished|completed|over|wrapped up)\b"),
    ("log_one_on_one", 3.0, rf"\b(?:done with|finished|completed|had|wrapped up)\b.*\b{_MEET}\b"),
    ("log_one_on_one", 3.0, r"\b(?:met with|log|logged|record|notes? (?:from|on|of)|outcome)\b"),
    ("log_one_on_one", 3.0, rf"\b{_MEET}\b.*\bnotes?\b|\b(?:summary|recap|debrief)\b"),
    ("draft_review", 2.0, r"\b(?:review|reviews|appraisal|evaluation|writeup)\b"),
    ("draft_review", 1.0, r"\b(?:performance|perf|annual)\b"),
    ("draft_review", 1.0, r"\b(?:draft|write|put together|start)\b"),
    ("draft_review", 2.0, r"\b(?:evaluate|assess|appraise)\b"),
    ("self_evaluation", 5.0, r"\bself(?:evaluation|assessment|review|appraisal|eval)s?\b"),
    ("self_evaluation", 5.0, r"\b(?:evaluate|assess|review|appraise|rate) myself\b"),
    (
        "self_evaluation",
        4.0,
        r"\bmy (?:own |annual |performance )?(?:review|appraisal|evaluation|assessment)\b",
    ),
    (
        "suggest_goals",
        3.0,
        r"\b(?:goals?|objectives?|okrs?|targets?|aim for|aims?|work towards)\b",
    ),
    ("suggest_goals", 0.5, r"\b(?:suggest|propose|set|smart|ideas?)\b"),
    ("suggest_goals", 2.5, r"\bwork on\b"),
    ("suggest_goals", 3.0, r"\b(?:development|growth|career) plans?\b|\b(?:pdp|idp)\b"),
    ("assign_module", 3.0, r"\b(?:assign|enrol|enroll|sign up)\b"),
    (
        "assign_module",
        2.0,
        r"\b(?:modules?|courses?|lessons?|training|microlearning)\b",
    ),
    ("assign_module", 0.5, r"\b(?:send|give|recommend|take|put)\b"),
    ("skills_gap", 4.0, r"\bskills? gaps?\b"),
    ("skills_gap", 3.0, r"\b(?:gaps?|competenc(?:y|ies)|weak\w*|strengths?)\b"),
    ("skills_gap", 2.0, r"\bskills?\b"),
    ("skills_gap", 2.0, r"\bmissing\b"),
    ("skills_gap", 1.0, r"\brole profile\b"),
    ("skills_gap", 3.0, r"\b(?:falls?|fell) short\b|\b(?:lack|lacks|lacking|short of)\b"),
    (
        "skills_gap",
        3.5,
        r"\b(?:development|improvement|growth) areas?\b|\bareas? (?:for|of|to) "
        r"(?:development|improvement|improve|grow)\b",
    ),
    ("skills_gap", 1.5, r"\b(?:against|vs|versus) (?:his|her|their|the) role\b"),
    ("promotion_readiness", 4.0, r"\b(?:promot\w*|promo)\b"),
    (
        "promotion_readiness",
        3.0,
        r"\b(?:next level|move up|step up|level up|bigger role|next step|advance\w*)\b",
    ),
    ("promotion_readiness", 1.5, r"\b(?:senior|readiness)\b"),
    ("promotion_readiness", 1.0, r"\b(?:ready|how close)\b"),
    ("my_data", 3.0, r"\b(?:about|on|of) me\b"),
    ("my_data", 4.0, r"\bmy (?:personal )?(?:data|information|info|records?)\b"),
    ("my_data", 2.0, r"\b(?:data|information|info|privacy|personal|records)\b"),
    ("my_data", 3.0, r"\b(?:gdpr|data protection|subject access|access request)\b"),
    ("my_data", 2.0, r"\bwho (?:has |have |else )?(?:looked|accessed|viewed|seen|read)\b"),
    ("my_data", 2.0, r"\bwhat do you (?:know|store|use|track|hold|keep|have)\b"),
    ("dispute", 4.0, r"\b(?:dispute|disagree|contest|challenge|appeal|object|objection)\b"),
    ("dispute", 4.0, r"\b(?:don't|dont|do not|not) agree\b"),
    ("dispute", 3.0, r"\b(?:wrong|incorrect|unfair|inaccurate|biased|not fair|not right)\b"),
    (
        "dispute",
        3.0,
        r"\b(?:not true|untrue|false|mistaken|a mistake|misleading|complain\w*|complaint)\b",
    ),
    ("dispute", 1.0, r"\b(?:suggestion|recommendation)\b"),
    (
        HELP,
        1.0,
        r"\b(?:help|commands?|what can you do|how does this work|how do i use|hi|hello|hey)\b",
    ),
)
_MEETING = re.compile(rf"\b{_MEET}\b")
_COMPILED = tuple((intent, weight, re.compile(pattern)) for intent, weight, pattern in _RULES)

# Ties go to the intent listed first: the more specific request wins.
_PRIORITY = (
    "dispute",
    "self_evaluation",
    "log_one_on_one",
    "my_data",
    "assign_module",
    "promotion_readiness",
    "skills_gap",
    "suggest_goals",
    "draft_review",
    "prep_one_on_one",
)
assert set(_PRIORITY) == set(INTENTS)


@dataclass(frozen=True)
class IntentGuess:
    """The chosen intent, how sure, and every intent's evidence."""

    intent: str
    confidence: float
    scores: dict[str, float]


def score_intents(
    words: Sequence[str],
    *,
    module_named: bool = False,
    ref_named: bool = False,
    outcome_follows: bool = False,
) -> dict[str, float]:
    """Sum the weights of the patterns each intent matches in `words` (help included).

    Args:
        words: the message's lower-case, typo-corrected words.
        module_named: a module was named (evidence for `assign_module`).
        ref_named: a short id such as `D12` was named (evidence for `dispute`).
        outcome_follows: `words` are the part before a separator followed by a statement,
            as in "catch-up with Mei: she is happy" (evidence for `log_one_on_one` when a
            meeting is named).
    """
    text = " ".join(words)
    scores = dict.fromkeys((*INTENTS, HELP), 0.0)
    for intent, weight, pattern in _COMPILED:
        if pattern.search(text):
            scores[intent] += weight
    if module_named:
        scores["assign_module"] += MODULE_WEIGHT
    if ref_named:
        scores["dispute"] += REF_WEIGHT
    if outcome_follows and _MEETING.search(text):
        scores["log_one_on_one"] += OUTCOME_WEIGHT
    return scores


def choose_intent(scores: dict[str, float]) -> IntentGuess:
    """Pick the best-supported intent, or help with low confidence when nothing is clear."""
    ranked = sorted(_PRIORITY, key=lambda intent: -scores[intent])
    best, runner_up = scores[ranked[0]], scores[ranked[1]]
    if best < MIN_SCORE:
        confidence = 0.6 if scores[HELP] > 0 else 0.1
        return IntentGuess(HELP, confidence, scores)
    strength = min(1.0, best / 4.0)
    lead = (best - runner_up) / best
    return IntentGuess(ranked[0], round(strength * (0.5 + 0.5 * lead), 2), scores)
