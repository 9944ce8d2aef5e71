"""The data policy's shape: for each field, its purposes, retention and consumers.

The policy itself is written in `app.yaml` under `data_policy`; this module only says what a
valid policy looks like and refuses one that breaks the rules Tandem promises:

- sensitive attributes (`sensitive.*`) serve only the `fairness_audit` purpose;
- medical and disciplinary records (`record.medical`, `record.disciplinary`) serve no purpose
  at all, so they never enter evidence;
- private notes (`note.private`) are read by their author only.

Field names are `<record kind>.<name>`: `signal.timesheet_hours`, `note.peer`,
`employee.profile`. A signal kind without its own entry falls back to `signal.*` if present.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Purpose = Literal["prep", "review", "goals", "learning", "dip_alert", "my_data", "fairness_audit"]
Consumer = Literal["manager", "self", "hr", "author"]

PURPOSES: tuple[Purpose, ...] = (
    "prep",
    "review",
    "goals",
    "learning",
    "dip_alert",
    "my_data",
    "fairness_audit",
)
NEVER_EVIDENCE = ("record.medical", "record.disciplinary")


class FieldRule(BaseModel):
    """What one field may be used for, how long it is kept and who may read it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str
    purposes: tuple[Purpose, ...]
    retention_days: int = Field(ge=1)
    consumers: tuple[Consumer, ...]


class DataPolicy(BaseModel):
    """Every field Tandem stores, by name, with its rule."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fields: dict[str, FieldRule]

    @model_validator(mode="after")
    def _check_promises(self) -> DataPolicy:
        for name, rule in self.fields.items():
            if name.startswith("sensitive.") and set(rule.purposes) - {"fairness_audit"}:
                raise ValueError(f"{name}: sensitive attributes may serve fairness_audit only")
            if name in NEVER_EVIDENCE and rule.purposes:
                raise ValueError(f"{name}: medical and disciplinary records serve no purpose")
            if name == "note.private" and set(rule.consumers) != {"author"}:
                raise ValueError("note.private: private notes are read by their author only")
        for required in (*NEVER_EVIDENCE, "note.private"):
            if required not in self.fields:
                raise ValueError(f"{required}: the policy must state this field")
        return self

    def rule_for(self, field: str) -> FieldRule | None:
        """The rule for a field, falling back to its kind's wildcard (`signal.*`)."""
        if field in self.fields:
            return self.fields[field]
        kind = field.split(".", 1)[0]
        return self.fields.get(f"{kind}.*")

    def allows(self, field: str, purpose: Purpose) -> bool:
        """True when the field may serve the purpose; unknown fields serve nothing."""
        rule = self.rule_for(field)
        return rule is not None and purpose in rule.purposes
