"""The three bulk actions: which rows an admin may choose from, and how each row is acted on.

Every row goes through the action an admin uses one by one, so each is checked by the same
rules and recorded as that admin's own decision with the JourneyEvent the action appends:

- releasing results: ``openepa.results.actions.do_release_results`` (a policy's IQA hold
  refuses a result whose sampled decisions are not signed off; seed 000 §3, seed 004);
- requesting certificates: the chosen results are queued for the assessment service
  (``openepa.certificates.sending.do_queue_for_service``) or, where no service is set up,
  exported as record-a-grade files (``openepa.certificates.actions.
  do_export_certificate_requests``), in batches of at most 25 like the export of everything;
- accepting gateway: ``openepa.gateway.actions.do_accept_gateway``, refused while any
  requirement is unmet (seed 000 §2.1, §2.2).

IQA sign-off ("grade stands") is not offered in bulk: each sampled decision needs an IQA's
own review of the marking sheet (seed 000 §5), which a tick box over many rows is not.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.db.models import Model, QuerySet

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.bulk.models import BulkKind
from openepa.certificates import client
from openepa.certificates.actions import do_export_certificate_requests
from openepa.certificates.models import ExportedRecord
from openepa.certificates.queries import ready_results_for
from openepa.certificates.sending import do_queue_for_service
from openepa.core.refusals import ActionRefused
from openepa.enrolments.models import Enrolment
from openepa.gateway.actions import do_accept_gateway
from openepa.gateway.queries import awaiting_review
from openepa.results.actions import do_release_results
from openepa.results.models import OverallResult
from openepa.results.queries import awaiting_release_for

#: What happened to each target of a chunk: None when done, else the refusal's words.
Outcomes = dict[int, str | None]


@dataclass(frozen=True)
class Operation:
    kind: BulkKind
    #: "result" or "submission": what one row is, in the page's words.
    noun: str
    plural: str
    #: The rows waiting for this action, in the list's order (the selection page).
    waiting: Callable[[User], QuerySet[Model]]
    #: Everything of the admin's EPAOs this action may be tried on: chosen ids outside it
    #: are left out (never another EPAO's rows).
    scope: Callable[[User], QuerySet[Model]]
    #: Act on these targets as `actor`, in one transaction; ActionRefused refuses them all.
    apply: Callable[[User, list[int]], Outcomes]
    #: How many rows share one transaction (1, except certificate batches of 25).
    chunk: int = 1
    #: The page the admin came from.
    back: str = ""


def _admin_of(user: User) -> frozenset[int]:
    return roles_of(user).orgs(Role.EPAO_ADMIN)


def enrolment_of(target: Model) -> Enrolment:
    return target if isinstance(target, Enrolment) else target.enrolment  # type: ignore[attr-defined]


def _results_in_reach(user: User) -> QuerySet[Model]:
    return OverallResult.objects.filter(enrolment__epao_id__in=_admin_of(user)).select_related(
        "enrolment__apprentice"
    )


def _release(actor: User, ids: list[int]) -> Outcomes:
    (result_id,) = ids
    do_release_results(actor=actor, result_id=result_id, expected_version=None)
    return {result_id: None}


def _accept(actor: User, ids: list[int]) -> Outcomes:
    (enrolment_id,) = ids
    do_accept_gateway(actor=actor, enrolment_id=enrolment_id)
    return {enrolment_id: None}


NOT_READY = (
    "Not requested: this result is no longer the apprentice's latest released result "
    "waiting for a request (already requested or sent, replaced, or the apprentice withdrew)."
)


def _request(actor: User, ids: list[int]) -> Outcomes:
    """Request the certificates of these results (one EPAO's), each result's EPA record
    first; a Fail has no certificate, only its EPA record."""
    chosen = dict(
        OverallResult.objects.filter(pk__in=ids).values_list("enrolment_id", "enrolment__epao_id")
    )
    epaos = set(chosen.values())
    if len(epaos) != 1:
        raise ActionRefused("A batch of certificate requests is for one EPAO at a time.")
    (epao_id,) = epaos
    enrolment_ids: Collection[int] = list(chosen)
    if client.configured():
        queued = do_queue_for_service(actor=actor, epao_id=epao_id, enrolment_ids=enrolment_ids)
        covered = {r.result_id for r in queued if r.result_id is not None}
    else:
        batches = do_export_certificate_requests(
            actor=actor, epao_id=epao_id, enrolment_ids=enrolment_ids
        )
        covered = set(
            ExportedRecord.objects.filter(batch__in=batches).values_list("result_id", flat=True)
        )
    return {target: None if target in covered else NOT_READY for target in ids}


OPERATIONS: dict[str, Operation] = {
    BulkKind.RELEASE_RESULTS: Operation(
        kind=BulkKind.RELEASE_RESULTS,
        noun="result",
        plural="results",
        waiting=awaiting_release_for,
        scope=_results_in_reach,
        apply=_release,
        back="results:list",
    ),
    BulkKind.REQUEST_CERTIFICATES: Operation(
        kind=BulkKind.REQUEST_CERTIFICATES,
        noun="result",
        plural="results",
        waiting=ready_results_for,
        scope=_results_in_reach,
        apply=_request,
        chunk=25,
        back="bulk:certificates",
    ),
    BulkKind.ACCEPT_GATEWAY: Operation(
        kind=BulkKind.ACCEPT_GATEWAY,
        noun="gateway submission",
        plural="gateway submissions",
        waiting=awaiting_review,
        scope=lambda user: Enrolment.objects.filter(epao_id__in=_admin_of(user)).select_related(
            "apprentice"
        ),
        apply=_accept,
        back="bulk:gateway",
    ),
}


def operation(kind: str) -> Operation:
    found = OPERATIONS.get(kind)
    if found is None:
        raise LookupError(kind)
    return found
