"""Names the rest of Tandem relies on, so the loader can insist that content provides them.

The signal kinds are the shared vocabulary fixed for the whole project: `signals.yaml` must
describe exactly these. The required copy keys are the messages the conversation core sends;
each lists the placeholders its caller supplies, and a template may use no others.
"""

from __future__ import annotations

SIGNAL_KINDS: frozenset[str] = frozenset(
    {
        "timesheet_hours",
        "late_days",
        "late_days_30d",
        "absence_days",
        "absences",
        "deadlines_met",
        "deadlines_missed",
        "pull_requests",
        "code_reviews",
        "tickets_resolved",
        "ticket_response_hours",
        "crm_activities",
        "pulse_score",
        "engagement_score",
        "satisfaction_score",
        "performance_score",
        "special_projects",
        "review_completed",
        "miles_logged",
    }
)
"""Every `Signal.kind` Tandem stores."""

AUDIENCES: tuple[str, ...] = ("manager", "employee", "everyone")
"""Who a module is written for; `everyone` modules suit both."""

REQUIRED_COPY: dict[str, frozenset[str]] = {
    "errors.internal": frozenset(),
    "errors.malformed": frozenset(),
    "errors.unknown_person": frozenset({"name"}),
    "errors.ambiguous_person": frozenset({"candidates"}),
    "errors.no_subject": frozenset(),
    "errors.not_available_yet": frozenset({"capability"}),
    "errors.inactive_employee": frozenset({"name"}),
    "errors.no_identity": frozenset(),
    "errors.too_little_data": frozenset({"name"}),
    "help.overview": frozenset({"name"}),
    "help.manager_title": frozenset(),
    "help.employee_title": frozenset(),
    "help.hr_title": frozenset(),
    **{f"help.examples.{audience}": frozenset() for audience in ("manager", "employee", "hr")},
    "faq.title": frozenset(),
    "notices.first_contact": frozenset({"name", "manager_name"}),
    "notices.answered_privately": frozenset(),
}
"""Copy keys the code depends on, each with the placeholders its template may use."""

FAQ_IDS: tuple[str, ...] = (
    "what_we_know",
    "who_sees",
    "retention",
    "dispute",
    "is_ai",
    "manager_reads_dms",
)
"""Questions the employee FAQ must answer (`copy/faq.yaml`), in any order after these."""
