"""The admin home's figures and charts about results (issue 17 §1), each one aggregate
query over the admin's EPAOs, bounded by design: results due over the next ten working
days, time from gateway to result over the last twelve months (seed 004: results within
10 working days of the last component)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, DateField, F, Q, QuerySet, Sum, Value, When

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.core.charts import percentile
from openepa.domain.dates import add_working_days, is_working_day
from openepa.domain.dates import first_of_month as first_of_month  # used by the results' tests
from openepa.results.models import DueCount, OverallResult, TurnaroundCount

#: The chart of results due looks this many working days ahead (today included).
DUE_DAYS = 10
#: The turnaround chart covers this many months, the current one included.
MONTHS = 12


def _due_counts(user: User) -> QuerySet[DueCount]:
    """The admin's EPAOs' results waiting for release, counted by due date (kept by the
    database with every write of a result: one row per date)."""
    return DueCount.objects.filter(epao_id__in=roles_of(user).orgs(Role.EPAO_ADMIN)).order_by()


@dataclass(frozen=True)
class DueSummary:
    overdue: int
    this_week: int


def week_end(today: date) -> date:
    """The Sunday that ends today's week."""
    return today + timedelta(days=6 - today.weekday())


def due_summary(user: User, today: date) -> DueSummary:
    """Unreleased results past their due date, and due from today to the end of the week:
    one query over the kept counts."""
    found = _due_counts(user).aggregate(
        overdue=Sum("n", filter=Q(due_on__lt=today), default=0),
        this_week=Sum("n", filter=Q(due_on__gte=today, due_on__lte=week_end(today)), default=0),
    )
    return DueSummary(found["overdue"], found["this_week"])


def working_days_from(today: date, n: int) -> list[date]:
    """The first `n` working days from today (today counts when it is one)."""
    first = today if is_working_day(today) else add_working_days(today, 1)
    return [first] + [add_working_days(first, i) for i in range(1, n)]


def due_by_working_day(user: User, today: date) -> tuple[int, list[tuple[date, int]]]:
    """How many results are overdue, and how many fall due on each of the next DUE_DAYS
    working days: one grouped query over the kept counts of at most DUE_DAYS + 1 rows
    (every overdue date summed as one)."""
    days = working_days_from(today, DUE_DAYS)
    # Every overdue date is folded into one (yesterday), so the rows stay DUE_DAYS + 1.
    folded = today - timedelta(days=1)
    rows = (
        _due_counts(user)
        .filter(due_on__lte=days[-1])
        .annotate(
            day=Case(
                When(due_on__lt=today, then=Value(folded)),
                default=F("due_on"),
                output_field=DateField(),
            )
        )
        .values_list("day")
        .annotate(total=Sum("n"))
        .order_by()
    )
    found = dict(rows)
    overdue = found.pop(folded, 0)
    by_day = found
    return overdue, [(d, by_day.get(d, 0)) for d in days]


@dataclass(frozen=True)
class Turnaround:
    month: date
    results: int
    median_days: int
    p90_days: int


def turnaround_by_month(user: User, today: date) -> list[Turnaround]:
    """Days from the gateway's acceptance to the result's release, by month of release over
    the last MONTHS months, from the counts the database keeps of each (month, days) pair
    (TurnaroundCount): at most MONTHS × the distinct numbers of days, never a row per
    result."""
    first = first_of_month(today, back=MONTHS - 1)
    rows = (
        TurnaroundCount.objects.filter(
            epao_id__in=roles_of(user).orgs(Role.EPAO_ADMIN), month__gte=first, n__gt=0
        )
        .order_by()
        .values_list("month", "days")
        .annotate(total=Sum("n"))
    )
    by_month: dict[date, dict[int, int]] = defaultdict(dict)
    for month, days, n in rows:
        by_month[month][days] = by_month[month].get(days, 0) + n
    return [
        Turnaround(m, sum(c.values()), percentile(c, 0.5), percentile(c, 0.9))
        for m, c in sorted(by_month.items())
    ]


#: The results list's `due` filter (the admin home's figures link to it).
DUE_FILTERS = {"week": "Due this week", "overdue": "Overdue"}


def filter_due(results: QuerySet[OverallResult], due: str, today: date) -> QuerySet[OverallResult]:
    """Narrow the results waiting for release to those due this week, or overdue."""
    if due == "week":
        return results.filter(due_on__gte=today, due_on__lte=week_end(today))
    if due == "overdue":
        return results.filter(due_on__lt=today)
    return results
