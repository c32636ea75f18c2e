"""Home-page sections of internal quality assurance: the IQA's queue (how many wait, since
when) and, for the EPAO's admins, the samples not signed off yet and whether each holds a
result back (the policy's ``release_requires_iqa``)."""

from __future__ import annotations

from django.db.models import Count, Min, QuerySet, Sum
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
        queue = queue_for(user)
        rows = list(queue[:ROWS])
        empty = "No samples are waiting for review."
        found.append(
            {
                "title": "IQA queue",
                "template": "quality/dashboard_queue.html",
                "context": {
                    "rows": rows,
                    # Always counted, so the page's queries are the same however many wait.
                    "count": queue.count(),
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
        found.append(_waiting("samples waiting for your review", queue_for(user)))
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


def _waiting(label: str, samples: QuerySet[IqaSample]) -> Figure:
    counted = samples.order_by().aggregate(n=Count("pk"), oldest=Min("sampled_at"))
    oldest = counted["oldest"]
    detail = f"Oldest sampled {long_date(timezone.localdate(oldest))}" if oldest else ""
    return Figure(label, counted["n"], reverse("quality:queue"), detail)
