"""Reads for the export: what is ready to export for an EPAO, the released history of the
enrolments concerned, and the batches an EPAO admin may see."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from openepa.accounts.models import Role
from openepa.accounts.roles import roles_of
from openepa.certificates.models import ExportBatch, ExportedRecord, ExportKind
from openepa.certificates.records import kind_for
from openepa.domain.journey import State
from openepa.organisations.models import Organisation
from openepa.results.models import OverallResult

_RELATED = ("enrolment__apprentice", "enrolment__standard", "enrolment__policy")


def _latest_released() -> Subquery:
    return Subquery(
        OverallResult.objects.filter(enrolment=OuterRef("enrolment"), released_at__isnull=False)
        .order_by("-released_at", "-id")
        .values("id")[:1]
    )


def ready_results(epao_id: int) -> QuerySet[OverallResult]:
    """Results to export for the EPAO: each enrolment's latest released result (an earlier
    Fail followed by a released resit is history, not a record of its own; a restarted
    EPA's new result replaces the old), not yet exported, of an enrolment not withdrawn.
    Oldest release first, so batches follow the order results were issued."""
    return _ready([epao_id])


def _ready(epao_ids: Iterable[int]) -> QuerySet[OverallResult]:
    return (
        OverallResult.objects.filter(
            enrolment__epao_id__in=list(epao_ids),
            released_at__isnull=False,
            superseded_at__isnull=True,
            pk=_latest_released(),
        )
        .exclude(enrolment__state=State.WITHDRAWN.value)
        .exclude(pk__in=ExportedRecord.objects.values("result_id"))
        .order_by("released_at", "id")
    )


def ready_counts(epao_id: int) -> dict[ExportKind, int]:
    """How many certificate requests and EPA records are waiting (by grade: one query)."""
    return _counts(ready_results(epao_id))


def ready_counts_for(user: Any) -> dict[ExportKind, int]:
    """The same over every EPAO the user is an admin of, in one query."""
    return _counts(_ready(roles_of(user).orgs(Role.EPAO_ADMIN)))


def _counts(ready: QuerySet[OverallResult]) -> dict[ExportKind, int]:
    grades = Counter(ready.values_list("grade", flat=True))
    counts = dict.fromkeys(ExportKind, 0)
    for grade, n in grades.items():
        counts[kind_for(grade)] += n
    return counts


def released_history(enrolment_ids: Iterable[int]) -> dict[int, list[OverallResult]]:
    """Every released result of these enrolments, in release order, in one query."""
    history: dict[int, list[OverallResult]] = defaultdict(list)
    for row in (
        OverallResult.objects.filter(
            enrolment_id__in=list(enrolment_ids), released_at__isnull=False
        )
        .only("id", "enrolment_id", "grade", "methods", "last_component_on", "released_at")
        .order_by("released_at", "id")
    ):
        history[row.enrolment_id].append(row)
    return dict(history)


def exporting_epaos(user: Any) -> QuerySet[Organisation]:
    """The EPAOs whose exports the user runs: those they are an admin of."""
    return Organisation.objects.filter(
        pk__in=roles_of(user).orgs(Role.EPAO_ADMIN), kind=Organisation.Kind.EPAO
    ).order_by("name")


def batches_for(user: Any) -> QuerySet[ExportBatch]:
    """Batches of the admin's EPAOs, newest first; the payload stays unread until a
    download asks for it."""
    return (
        ExportBatch.objects.filter(epao_id__in=roles_of(user).orgs(Role.EPAO_ADMIN))
        .select_related("epao", "created_by")
        .defer("payload")
        .order_by("-created_at", "-id")
    )
