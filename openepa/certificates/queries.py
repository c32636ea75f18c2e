"""Reads for the export: what is ready to export for an EPAO, the released history of the
enrolments concerned, and the batches an EPAO admin may see."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.certificates.models import (
    ExportBatch,
    ExportedRecord,
    ExportKind,
    ReadyResult,
    ServiceCheck,
    ServiceRecord,
)
from openepa.certificates.records import kind_for
from openepa.core.paging import CAP
from openepa.domain.journey import State
from openepa.enrolments.models import Enrolment
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
        # NOT EXISTS, probed by index for each candidate, rather than NOT IN, which read
        # and hashed every record ever exported on each request.
        .exclude(Exists(ExportedRecord.objects.filter(result_id=OuterRef("pk"))))
        # A result sent to the service is not exported again as a file, nor the reverse.
        .exclude(Exists(ServiceRecord.objects.filter(result_id=OuterRef("pk"))))
        .order_by("released_at", "id")
    )


def ready_results_for(user: User) -> QuerySet[OverallResult]:
    """The results ready to export or send over every EPAO the user is an admin of, with
    the apprentice: the rows an admin chooses from to request certificates (openepa.bulk)."""
    return _ready(roles_of(user).orgs(Role.EPAO_ADMIN)).select_related(*_RELATED)


def ready_counts(epao_id: int) -> dict[ExportKind, int]:
    """How many certificate requests and EPA records are waiting (by grade: one query)."""
    return _counts([epao_id])


def ready_counts_for(user: User) -> dict[ExportKind, int]:
    """The same over every EPAO the user is an admin of, in one query."""
    return _counts(roles_of(user).orgs(Role.EPAO_ADMIN))


def _counts(epao_ids: Iterable[int]) -> dict[ExportKind, int]:
    """Every ready result is an EPA record; a Pass or Distinction also a certificate
    request. Counted by grade over the first CAP + 1 ready results only, so the count costs
    the same however many wait: past CAP the pages say "more than" (`more_than_cap`). The
    grades are read from ReadyResult, the database's own copy of `_ready`'s rule (kept by
    triggers), along its index by EPAO and grade: walking the released results themselves
    also probed every one already exported, about three for each one waiting."""
    first = ReadyResult.objects.filter(epao_id__in=list(epao_ids)).order_by()
    grades = Counter(first.values_list("grade", flat=True)[: CAP + 1]).items()
    counts = dict.fromkeys(ExportKind, 0)
    for grade, n in grades:
        counts[ExportKind.EPA] += n
        if kind_for(grade) == ExportKind.CERTIFICATE:
            counts[ExportKind.CERTIFICATE] += n
    return counts


def more_than_cap(counts: dict[ExportKind, int]) -> bool:
    """More results wait than were counted (see _counts)."""
    return counts[ExportKind.EPA] > CAP


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


def exporting_epaos(user: User) -> QuerySet[Organisation]:
    """The EPAOs whose exports the user runs: those they are an admin of."""
    return Organisation.objects.filter(
        pk__in=roles_of(user).orgs(Role.EPAO_ADMIN), kind=Organisation.Kind.EPAO
    ).order_by("name")


def batches_for(user: User) -> QuerySet[ExportBatch]:
    """Batches of the admin's EPAOs, newest first; the payload stays unread until a
    download asks for it."""
    return (
        ExportBatch.objects.filter(epao_id__in=roles_of(user).orgs(Role.EPAO_ADMIN))
        .select_related("epao", "created_by")
        .defer("payload")
        .order_by("-created_at", "-id")
    )


def withdrawn_to_send(epao_id: int) -> QuerySet[Enrolment]:
    """Withdrawn enrolments of the EPAO whose EPA had begun (gateway accepted, or a result
    released) and whose withdrawal the service has not been sent: it is recorded there as
    "Withdrawn"."""
    begun = Q(gateway_accepted_on__isnull=False) | Q(
        pk__in=OverallResult.objects.filter(released_at__isnull=False).values("enrolment_id")
    )
    return (
        Enrolment.objects.filter(begun, epao_id=epao_id, state=State.WITHDRAWN.value)
        .exclude(service_records__subject="withdrawn")
        .order_by("pk")
    )


def service_records_for(user: User, state: str | None = None) -> QuerySet[ServiceRecord]:
    """The records of the admin's EPAOs sent (or to send) to the assessment service, newest
    first, with the apprentice each concerns; optionally of one state."""
    found = ServiceRecord.objects.filter(epao_id__in=roles_of(user).orgs(Role.EPAO_ADMIN))
    if state:
        found = found.filter(state=state)
    return found.select_related("enrolment__apprentice", "epao").order_by("-created_at", "-id")


def record_counts_for(user: User) -> dict[str, int]:
    """How many records are in each state, over the admin's EPAOs (one query)."""
    return dict(
        ServiceRecord.objects.filter(epao_id__in=roles_of(user).orgs(Role.EPAO_ADMIN))
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )


def checks_for(user: User) -> QuerySet[ServiceCheck]:
    """The last reconciliation of the admin's EPAOs: differences first."""
    return (
        ServiceCheck.objects.filter(epao_id__in=roles_of(user).orgs(Role.EPAO_ADMIN))
        .select_related("enrolment__apprentice", "enrolment__standard", "epao")
        .order_by("-differs", "enrolment__apprentice__family_name", "enrolment_id")
    )
