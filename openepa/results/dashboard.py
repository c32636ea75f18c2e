"""Home-page sections of the results context: what an EPAO admin must release (overdue
first, seed 004), the released statements of results each party receives (seed 000 §3),
and resits or retakes due with their deadlines (seed 000 §4, seed 004)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.core.charts import Chart
from openepa.core.figures import Figure
from openepa.core.sections import More, Section
from openepa.domain.dates import long_date
from openepa.domain.journey import State
from openepa.enrolments.domain_data import standard_of
from openepa.results import overview
from openepa.results.display import method_name
from openepa.results.queries import (
    awaiting_release_for,
    released_results_for,
    resits_due_for,
)

#: A home page lists the first few; the full list is one click away.
ROWS = 10


def sections(user: User) -> list[Section]:
    """Dashboard sections this context contributes to the user's home page."""
    roles = roles_of(user)
    party = roles.has(Role.EMPLOYER) or roles.has(Role.PROVIDER) or roles.is_apprentice
    out: list[Section] = []
    if roles.has(Role.EPAO_ADMIN):
        # Only what the table shows (the apprentice, the policy): fewer joins to plan.
        awaiting = awaiting_release_for(user).select_related(None)
        rows = list(
            awaiting.select_related("enrolment__apprentice", "enrolment__policy")[: ROWS + 1]
        )
        out.append(
            {
                "title": "Results awaiting release",
                "template": "results/dashboard_awaiting.html",
                "context": {"rows": rows[:ROWS], "more": len(rows) > ROWS},
                "empty": "No results are waiting to be released.",
            }
        )
    if party:
        out.append(
            {
                "title": "Results",
                "template": "results/dashboard_released.html",
                "context": {
                    "rows": list(released_results_for(user)[:ROWS]),
                    "own": roles.is_apprentice
                    and not (roles.has(Role.EMPLOYER) or roles.has(Role.PROVIDER)),
                },
                "empty": "No results have been released yet.",
            }
        )
    if party or roles.has(Role.EPAO_ADMIN):
        # The plans are computed for the rows shown (and one more) only.
        due = resits_due_for(user, limit=ROWS + 1)
        if due:
            more: More | None = None
            if len(due) > ROWS and roles.has(Role.EPAO_ADMIN):
                href = reverse("enrolments:pipeline") + f"?state={State.RESIT_DUE.value}"
                more = {"href": href}
            out.append(
                {
                    "title": "Resits and retakes due",
                    "template": "results/dashboard_resits.html",
                    "more": more,
                    "context": {
                        "rows": [
                            {
                                "enrolment": d.enrolment,
                                "result": d.result,
                                "methods": [
                                    method_name(standard_of(d.enrolment), m) for m in d.plan.methods
                                ],
                                "deadline": d.plan.next_deadline,
                                "expired": d.plan.expired,
                            }
                            for d in due[:ROWS]
                        ],
                        "more": len(due) > ROWS,
                    },
                    "empty": "",
                }
            )
    return out


def figures(user: User) -> list[Figure]:
    """The admin's figure: results due for release this week, and those overdue (seed 004:
    within 10 working days of the last component)."""
    if not roles_of(user).has(Role.EPAO_ADMIN):
        return []
    due = overview.due_summary(user, timezone.localdate())
    href = reverse("results:list")
    return [
        Figure(
            "results due for release this week",
            due.this_week,
            f"{href}?due=week",
            "" if due.overdue else "None overdue",  # the warning names the overdue
            warning=f"{due.overdue} overdue" if due.overdue else "",
        )
    ]


def charts(user: User) -> list[Chart]:
    """The admin's charts: results due by working day, and time from gateway to result."""
    if not roles_of(user).has(Role.EPAO_ADMIN):
        return []
    today = timezone.localdate()
    overdue, by_day = overview.due_by_working_day(user, today)
    due_chart = Chart(
        key="results-due",
        title=f"Results due for release over the next {overview.DUE_DAYS} working days",
        description=(
            f"{overdue} overdue; {sum(n for _, n in by_day)} due from "
            f"{long_date(by_day[0][0])} to {long_date(by_day[-1][0])}."
        ),
        categories=["Overdue"] + [f"{d:%A} {long_date(d)}" for d, _ in by_day],
        series=["Results"],
        values=[[overdue]] + [[n] for _, n in by_day],
        unit="results not yet released",
        category_name="Due",
        more_href=reverse("results:list"),
        more_label="Every result waiting for release",
        empty="No results are waiting for release.",
    )
    months = overview.turnaround_by_month(user, today)
    latest = months[-1] if months else None
    turnaround = Chart(
        key="turnaround",
        title="Days from gateway to result, by month of release",
        description=(
            f"In {latest.month:%B %Y}, {latest.results} results: median {latest.median_days} "
            f"days, 90th percentile {latest.p90_days} days."
            if latest
            else "No results released in the last twelve months."
        ),
        categories=[f"{m.month:%B %Y} ({m.results} results)" for m in months],
        series=["Median", "90th percentile"],
        values=[[m.median_days, m.p90_days] for m in months],
        unit="calendar days from gateway accepted to results released",
        category_name="Month",
        empty="No results released in the last twelve months.",
    )
    return [due_chart, turnaround]
