"""Words for the result page and dashboards: which rule a date comes from, in plain
language, citing the seed the EPAO's policy file cites. No decisions are made here."""

from __future__ import annotations

from datetime import date

from openepa.domain.dates import long_date
from openepa.domain.policy import Policy
from openepa.domain.resits import ResitPlan
from openepa.domain.standard import Method, Standard

KIND_LABELS = {
    "first": "First attempt",
    "resit": "Resit",
    "retake": "Retake",
    "follow_up": "Discussion follow-up",
}


def method_name(standard: Standard, method: Method | str) -> str:
    return standard.method(Method(method)).name


def results_deadline_text(policy: Policy) -> str:
    """Seed 004: results within 10 working days of the final component; others are silent."""
    period = policy.results_deadline
    if period is None or period.working_days is None:
        return f"{policy.name} sets no deadline for issuing results"
    return (
        f"within {period.working_days} working days of the last assessment "
        f"({policy.cite('results_deadline')})"
    )


def plan_lines(
    plan: ResitPlan, policy: Policy, standard: Standard, *, notified: date, first: date | None
) -> dict[str, object]:
    """The next step after a Fail, as the result page and the dashboards show it."""
    window = policy.resits.window
    all_window = policy.resits.all_methods_window
    deadlines: list[str] = []
    if plan.deadline is not None and window is not None:
        deadlines.append(
            f"Resit or retake by {long_date(plan.deadline)}: within {window.months} months of "
            f"the fail notification on {long_date(notified)} "
            f"({policy.cite('resits.window')})"
        )
    if plan.all_methods_deadline is not None and all_window is not None and first is not None:
        deadlines.append(
            f"All assessment methods taken by {long_date(plan.all_methods_deadline)}: within "
            f"{all_window.months} months of the first attempt on {long_date(first)} "
            f"({policy.cite('resits.all_methods_window')})"
        )
    if not deadlines:
        deadlines.append(
            f"{policy.name} sets no deadline for a resit or retake ({policy.cite('resits')} "
            "states none)"
        )
    return {
        "methods": [method_name(standard, m) for m in plan.methods],
        "passed": [method_name(standard, m) for m in plan.passed],
        "deadlines": deadlines,
        "next_deadline": plan.next_deadline,
        "expired": plan.expired,
        "retake_checklist": (
            f"A retake (after a period of further learning) needs the retake checklist "
            f"({policy.cite('resits')})"
            if plan.retake_checklist_required
            else f"{policy.name} does not require a retake checklist"
        ),
        "cap": plan.cap_statement,
        "follow_up": plan.follow_up_note,
    }
