"""The admin home's grade charts (issue 17 §1): the grades assessors gave by method and by
assessor over the last twelve months, counted by the database from each submitted sheet's
stored grade (the consistency report's source, openepa.quality.consistency). Follow-up
discussions carry no grade of their own and are left out, as there."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, QuerySet

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.assessments.models import Attempt
from openepa.domain.grading import AttemptKind

#: The grades a sheet is given, in order.
GRADES = ("fail", "pass", "distinction")
#: The chart by assessor shows the busiest few; the consistency report has every one.
TOP_ASSESSORS = 8
DAYS = 365


def _decisions(user: User, today: date) -> QuerySet[Attempt]:
    return (
        Attempt.objects.filter(
            enrolment__epao_id__in=roles_of(user).orgs(Role.EPAO_ADMIN),
            status=Attempt.Status.SUBMITTED,
            assessed_on__gt=today - timedelta(days=DAYS),
            method_grade__in=GRADES,
        )
        .exclude(kind=AttemptKind.FOLLOW_UP.value)
        .order_by()
    )


def grades_by_method(user: User, today: date) -> dict[str, dict[str, int]]:
    """method → grade → decisions: one query of at most 3 × 3 rows."""
    found: dict[str, dict[str, int]] = defaultdict(dict)
    rows = _decisions(user, today).values_list("method", "method_grade").annotate(n=Count("pk"))
    for method, grade, n in rows:
        found[method][grade] = n
    return found


def grades_by_assessor(user: User, today: date) -> tuple[list[tuple[str, dict[str, int]]], int]:
    """The TOP_ASSESSORS assessors with the most decisions, each with their grades, and how
    many assessors made decisions in all: three queries, each of a bounded size."""
    decisions = _decisions(user, today)
    top = list(
        decisions.values_list("assessor_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "assessor_id")
        .values_list("assessor_id", flat=True)[:TOP_ASSESSORS]
    )
    assessors = decisions.values("assessor_id").distinct().count()
    rows = (
        decisions.filter(assessor_id__in=top)
        .values_list("assessor_id", "assessor__full_name", "assessor__email", "method_grade")
        .annotate(n=Count("pk"))
    )
    names: dict[int, str] = {}
    grades: dict[int, dict[str, int]] = defaultdict(dict)
    for assessor_id, name, email, grade, n in rows:
        names[assessor_id] = name or email
        grades[assessor_id][grade] = n
    return [(names[a], grades[a]) for a in top if a in names], assessors
