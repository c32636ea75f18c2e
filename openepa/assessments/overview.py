"""The admin home's grade charts (issue 17 §1): the grades assessors gave by method and by
assessor over the last twelve months (this month and the eleven before it), read from the
counts the database keeps of every graded sheet (GradeCount, AssessorYear: triggers move
them with each sheet written), so a request reads a few small rows whatever the EPAO's
size. Follow-up discussions carry no grade of their own and are left out, as in the
consistency report."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Sum

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.assessments.models import CHARTED_GRADES, YEAR_MONTHS, AssessorYear, GradeCount
from openepa.domain.dates import first_of_month

#: The grades a sheet is given, in order.
GRADES = CHARTED_GRADES
#: The chart by assessor shows the busiest few; the consistency report has every one.
TOP_ASSESSORS = 8


def grades_by_method(user: User, today: date) -> dict[str, dict[str, int]]:
    """method → grade → decisions over the last twelve months: one query of at most
    12 × 3 × 3 rows per EPAO, summed by the database into at most 3 × 3."""
    found: dict[str, dict[str, int]] = defaultdict(dict)
    rows = (
        GradeCount.objects.filter(
            epao_id__in=roles_of(user).orgs(Role.EPAO_ADMIN),
            month__gte=first_of_month(today, back=YEAR_MONTHS - 1),
            month__lte=first_of_month(today, back=0),
        )
        .order_by()
        .values_list("method", "grade")
        .annotate(n=Sum("n"))
    )
    for method, grade, n in rows:
        if n:
            found[method][grade] = n
    return found


def grades_by_assessor(user: User, today: date) -> tuple[list[tuple[str, dict[str, int]]], int]:
    """The TOP_ASSESSORS assessors with the most decisions over the last twelve months,
    each with their grades, and how many assessors made decisions in all: two queries on
    the twelve months' window row of each assessor (AssessorYear), the first reading the
    busiest few from its index."""
    epaos = roles_of(user).orgs(Role.EPAO_ADMIN)
    window = AssessorYear.objects.filter(
        epao_id__in=epaos, year_to=first_of_month(today, back=0), n__gt=0
    ).order_by()
    # One row per assessor and EPAO: counted from the index alone for one EPAO; an assessor
    # of several of the admin's EPAOs is counted once.
    one = len(epaos) == 1
    assessors = window.count() if one else window.values("assessor_id").distinct().count()
    if one:
        # One row per assessor: the index gives the busiest first.
        top = [
            (a, name, email, {"fail": f, "pass": p, "distinction": d})
            for a, name, email, f, p, d in window.order_by("-n", "assessor_id").values_list(
                "assessor_id", "assessor__full_name", "assessor__email",
                "fail", "passed", "distinction",
            )[:TOP_ASSESSORS]
        ]  # fmt: skip
    else:
        # An assessor of several of the admin's EPAOs has a row in each: summed.
        top = [
            (a, name, email, {"fail": f, "pass": p, "distinction": d})
            for a, name, email, f, p, d, _ in window.values_list(
                "assessor_id", "assessor__full_name", "assessor__email"
            )
            .annotate(f=Sum("fail"), p=Sum("passed"), d=Sum("distinction"), total=Sum("n"))
            .order_by("-total", "assessor_id")[:TOP_ASSESSORS]
        ]
    return [
        (name or email, {g: n for g, n in grades.items() if n}) for _, name, email, grades in top
    ], assessors
