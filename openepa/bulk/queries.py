"""Reads of bulk runs: the admin's recent runs, a run's rows and its counts."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from openepa.accounts.models import User
from openepa.bulk.models import BulkRow, BulkRun, Outcome

RECENT = 10


def recent_runs(user: User) -> QuerySet[BulkRun]:
    """The user's own latest runs (at most RECENT)."""
    return BulkRun.objects.filter(created_by=user).order_by("-created_at", "-id")[:RECENT]


def rows_of(run: BulkRun) -> QuerySet[BulkRow]:
    return run.rows.order_by("position")


def counts_of(run: BulkRun) -> dict[str, int]:
    """Rows by outcome, every outcome present (one query)."""
    counts = dict.fromkeys(Outcome.values, 0)
    for outcome, n in run.rows.order_by().values_list("outcome").annotate(n=Count("pk")):
        counts[outcome] = n
    return counts
