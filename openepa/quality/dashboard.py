"""Home-page sections of internal quality assurance: the IQA's queue (how many wait, since
when) and, for the EPAO's admins, the samples not signed off yet and whether each holds a
result back (the policy's ``release_requires_iqa``)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Min, Sum
from django.urls import reverse
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.core.figures import Figure
from openepa.core.sections import Section
from openepa.domain.dates import long_date
from openepa.enrolments.domain_data import policy_of
from openepa.quality.models import IqaSample, OpenSampleCount
from openepa.quality.queries import open_samples_for_admin, queue_for

#: A home page lists the first few; the full queue is one click away.
ROWS = 10


def sections(user: User) -> list[Section]:
    """Dashboard sections this context contributes to the user's home page."""
    roles = roles_of(user)
    found: list[Section] = []
    if roles.has(Role.IQA):
        rows = list(queue_for(user)[:ROWS])
        empty = "No samples are waiting for review."
        found.append(
            {
                "title": "IQA queue",
                "template": "quality/dashboard_queue.html",
                "context": {
                    "rows": rows,
                    # Always counted, so the page's queries are the same however many wait.
                    "count": _queue_counted(user)[0],
                    "oldest": rows[0] if rows else None,
                    "empty": empty,
                },
                "empty": empty,
            }
        )
    if roles.has(Role.EPAO_ADMIN):
        samples = list(open_samples_for_admin(user)[: ROWS + 1])
        empty = "Every sampled decision is signed off."
        found.append(
            {
                "title": "IQA samples awaiting sign-off",
                "template": "quality/dashboard_admin.html",
                "context": {
                    "rows": [_admin_row(s) for s in samples[:ROWS]],
                    "more": len(samples) > ROWS,
                    "empty": empty,
                },
                "empty": empty,
            }
        )
    return found


def _admin_row(sample: IqaSample) -> dict[str, object]:
    policy = policy_of(sample.attempt.enrolment)
    return {"sample": sample, "holds": policy.release_requires_iqa, "policy": policy.name}


def figures(user: User) -> list[Figure]:
    """The IQA's figure (their queue) and the admin's (every open sample of their EPAOs):
    how many wait and since when, one aggregate query each."""
    roles = roles_of(user)
    found = []
    if roles.has(Role.IQA):
        waiting, oldest = _queue_counted(user)
        detail = f"Oldest sampled {long_date(timezone.localdate(oldest))}" if oldest else ""
        label = "samples waiting for your review"
        found.append(Figure(label, waiting, reverse("quality:queue"), detail))
    if roles.has(Role.EPAO_ADMIN):
        found.append(_kept_waiting(roles.orgs(Role.EPAO_ADMIN)))
    return found


def _kept_waiting(epao_ids: frozenset[int]) -> Figure:
    """The admin's figure from the counts the database keeps of open samples by day
    sampled (OpenSampleCount): a row per day, whatever the number of samples."""
    counted = OpenSampleCount.objects.filter(epao_id__in=epao_ids, n__gt=0).aggregate(
        total=Sum("n", default=0), oldest=Min("sampled_on")
    )
    oldest = counted["oldest"]
    detail = f"Oldest sampled {long_date(oldest)}" if oldest else ""
    return Figure("IQA samples not signed off", counted["total"], reverse("quality:queue"), detail)


def _queue_counted(user: User) -> tuple[int, datetime | None]:
    """How many samples wait in the IQA's queue and the oldest's sampling time: one
    aggregate, read once for the user seen (the home page's figure and its section both
    show it; counted twice, the two were 13 of the IQA home's 19 ms of SQL at 100,000
    apprentices). Kept on the user object, as roles_of keeps the roles: the home page
    counts on a copy of the request's user made for that page (openepa.web.dashboards)."""
    counted: tuple[int, datetime | None] | None = getattr(user, _COUNTED, None)
    if counted is None:
        found = queue_for(user).order_by().aggregate(n=Count("pk"), oldest=Min("sampled_at"))
        counted = (found["n"], found["oldest"])
        setattr(user, _COUNTED, counted)
    return counted


#: The attribute `_queue_counted` keeps its count in.
_COUNTED = "_openepa_iqa_queue_counted"
