"""Home-page sections of the cases context: what waits for the EPAO admin's decision (late
adjustments first, special considerations by assessment date), and the open requests and
cases of the employer's, provider's or apprentice's own enrolments. No details in either."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.cases.models import OpenCaseCount
from openepa.cases.queries import (
    open_adjustments_for,
    open_cases_for,
    open_considerations_for,
    party_open_items,
)
from openepa.core.figures import Figure
from openepa.core.sections import Section

#: A home page lists the first few of each; the queue has them all.
ROWS = 10


def sections(user: User) -> list[Section]:
    """Dashboard sections this context contributes to the user's home page."""
    roles = roles_of(user)
    out: list[Section] = []
    if roles.has(Role.EPAO_ADMIN):
        context = {
            "adjustments": list(open_adjustments_for(user)[:ROWS]),
            "considerations": list(open_considerations_for(user)[:ROWS]),
            "cases": list(open_cases_for(user)[:ROWS]),
        }
        out.append(
            {
                "title": "Adjustments, special considerations and appeals to decide",
                "template": "cases/dashboard_admin.html",
                "context": context,
                "empty": "Nothing is waiting.",
            }
        )
    if roles.has(Role.EMPLOYER) or roles.has(Role.PROVIDER) or roles.is_apprentice:
        items = party_open_items(user, limit=ROWS + 1)
        if any(items.values()):
            more = any(len(rows) > ROWS for rows in items.values())
            out.append(
                {
                    "title": "Your open requests, enquiries and appeals",
                    "template": "cases/dashboard_party.html",
                    "context": {**{k: rows[:ROWS] for k, rows in items.items()}, "more": more},
                    "empty": "",
                }
            )
    return out


#: Open enquiries and appeals are counted by age in these bands (days since raised). The
#: policies set a time limit for raising a case (openepa.domain.cases.case_deadline), none
#: for deciding it, so the figure shows how long each has been open.
RECENT_DAYS = 14
OLD_DAYS = 28


def figures(user: User) -> list[Figure]:
    """The admin's figure: enquiries and appeals open, by age, in one query."""
    if not roles_of(user).has(Role.EPAO_ADMIN):
        return []
    today = timezone.localdate()
    # From the counts the database keeps of open cases by day raised (OpenCaseCount): a row
    # per day, whatever the number of cases.
    counted = OpenCaseCount.objects.filter(
        epao_id__in=roles_of(user).orgs(Role.EPAO_ADMIN)
    ).aggregate(
        total=Sum("n", default=0),
        middle=Sum(
            "n",
            filter=Q(
                raised_on__lt=today - timedelta(days=RECENT_DAYS),
                raised_on__gte=today - timedelta(days=OLD_DAYS),
            ),
            default=0,
        ),
        old=Sum("n", filter=Q(raised_on__lt=today - timedelta(days=OLD_DAYS)), default=0),
    )
    recent = counted["total"] - counted["middle"] - counted["old"]
    detail = (
        f"{recent} opened in the last {RECENT_DAYS} days, {counted['middle']} within "
        f"{OLD_DAYS} days, {counted['old']} older"
        if counted["total"]
        else ""
    )
    warning = f"{counted['old']} open more than {OLD_DAYS} days" if counted["old"] else ""
    return [
        Figure(
            "enquiries and appeals open", counted["total"], reverse("cases:queue"), detail, warning
        )
    ]
