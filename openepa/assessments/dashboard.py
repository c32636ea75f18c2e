"""Home-page sections for marking: the assessor's drafts and assessments to mark, and the
EPAO admin's recently submitted sheets. Each list is one query whatever its length."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.assessments import overview
from openepa.assessments.queries import bookings_to_mark, draft_sheets_for, recently_submitted_for
from openepa.bookings.models import METHOD_CHOICES
from openepa.core.charts import Chart
from openepa.core.figures import Figure
from openepa.core.sections import Section


def sections(user: User) -> list[Section]:
    """Dashboard sections this context contributes to the user's home page."""
    roles = roles_of(user)
    found: list[Section] = []
    if roles.has(Role.ASSESSOR):
        found += [
            _section(
                "Marking sheets in progress",
                "assessments/dashboard_sheets.html",
                "You have no marking sheets in progress.",
                sheets=draft_sheets_for(user),
                caption="Marking sheets you have started and not submitted",
                when_label="Last saved",
                show_assessor=False,
            ),
            _section(
                "Assessments to mark",
                "assessments/dashboard_bookings.html",
                "No assessments are waiting for you to mark.",
                bookings=bookings_to_mark(user),
                now=timezone.now(),
            ),
        ]
    if roles.has(Role.EPAO_ADMIN):
        found.append(
            _section(
                "Recently submitted marking sheets",
                "assessments/dashboard_sheets.html",
                "No marking sheets have been submitted yet.",
                sheets=recently_submitted_for(user),
                caption="The latest marking sheets submitted by assessors",
                when_label="Submitted",
                show_assessor=True,
            )
        )
    return found


def _section(title: str, template: str, empty: str, **context: object) -> Section:
    return {
        "title": title,
        "template": template,
        "context": {**context, "empty": empty},
        "empty": empty,
    }


_GRADE_NAMES = [g.capitalize() for g in overview.GRADES]


def charts(user: User) -> list[Chart]:
    """The admin's grade distributions over the last twelve months: by method, and for the
    busiest assessors (the consistency report has every assessor)."""
    if not roles_of(user).has(Role.EPAO_ADMIN):
        return []
    today = timezone.localdate()
    by_method = overview.grades_by_method(user, today)
    method_values = [[by_method[m].get(g, 0) for g in overview.GRADES] for m, _ in METHOD_CHOICES]
    top, assessors = overview.grades_by_assessor(user, today)
    shown = len(top)
    return [
        Chart(
            key="grades-by-method",
            title="Grades by method, last twelve months",
            description=_grades_description(method_values),
            categories=[name for _, name in METHOD_CHOICES],
            series=_GRADE_NAMES,
            values=method_values,
            unit="decisions on submitted marking sheets",
            category_name="Method",
            empty="No marking sheets submitted in the last twelve months.",
        ),
        Chart(
            key="grades-by-assessor",
            title=f"Grades by assessor, the {shown} with most decisions",
            description=(
                f"{shown} of {assessors} assessors who marked in the last twelve months, "
                "busiest first. " + _grades_description([list(g.values()) for _, g in top])
            ),
            categories=[name for name, _ in top],
            series=_GRADE_NAMES,
            values=[[grades.get(g, 0) for g in overview.GRADES] for _, grades in top],
            unit="decisions on submitted marking sheets, last twelve months",
            category_name="Assessor",
            more_href=reverse("consistency:report") if assessors > shown else "",
            more_label=f"Every assessor ({assessors}) in the consistency report",
            empty="No marking sheets submitted in the last twelve months.",
        ),
    ]


def _grades_description(rows: list[list[int]]) -> str:
    total = sum(sum(r) for r in rows)
    return f"{total} decisions in all." if total else "No decisions."


def figures(user: User) -> list[Figure]:
    """The assessor's figure: marking sheets started and not submitted."""
    if not roles_of(user).has(Role.ASSESSOR):
        return []
    drafts = draft_sheets_for(user).order_by().count()
    return [Figure("marking sheets to finish", drafts, reverse("bookings:mine"))]
