"""Sending EPA records and certificate requests to the Apprenticeship Assessment Service
(issue 13 items 2 and 3).

For each apprentice the records go in this order (``ServiceRecord.sequence``):

1. the first EPA record, ``POST /api/v1/epa``, with every attempt so far;
2. each later attempt (a resit, a retake, a withdrawal) as ``PUT /api/v1/epa`` with the
   whole history again and the ``epaReference`` the service returned to the first
   (Validators/ExternalApi/Epas/UpdateBatchEpaRequestValidator.cs: a second create is
   refused with "EPA already provided for the learner");
3. after a Pass or Distinction, the certificate request, ``POST /api/v1/certificate``;
4. its submit, ``POST /api/v1/certificate/submit``, with the certificate reference.

A record is sent once everything before it for that apprentice is accepted; a rejected
record holds back the ones after it until an admin fixes the cause and sends it again.
Calls hold at most 25 records of one kind. The worker does the sending (`tasks`): each
record moves to "sent" in the transaction that claims it, so two workers never send the
same record; a call that gets no answer or a 5xx is retried with growing waits; a refusal
(per record, or 4xx for the call) is final and shows the service's messages.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.certificates import client, records
from openepa.certificates.actions import record_certificate_requested
from openepa.certificates.models import ExportKind, RecordKind, RecordState, ServiceRecord
from openepa.certificates.queries import ready_results, released_history, withdrawn_to_send
from openepa.core.refusals import ActionRefused
from openepa.domain.assessment_service import BATCH_LIMIT
from openepa.domain.journey import State
from openepa.domain.record_a_grade import Sitting
from openepa.domain.steps import CertificateStep
from openepa.enrolments.journey import lock_enrolment, record
from openepa.enrolments.models import Enrolment, JourneyEvent
from openepa.results.models import OverallResult

logger = logging.getLogger(__name__)

#: Where each kind goes (Controllers/EpaController.cs, CertificateController.cs).
ENDPOINTS = {
    RecordKind.EPA_CREATE: ("POST", "/api/v1/epa"),
    RecordKind.EPA_UPDATE: ("PUT", "/api/v1/epa"),
    RecordKind.CERTIFICATE: ("POST", "/api/v1/certificate"),
    RecordKind.SUBMIT: ("POST", "/api/v1/certificate/submit"),
}
#: The order calls are made in when several kinds are ready.
KIND_ORDER = (
    RecordKind.EPA_CREATE,
    RecordKind.EPA_UPDATE,
    RecordKind.CERTIFICATE,
    RecordKind.SUBMIT,
)
DONE = (RecordState.ACCEPTED, RecordState.SUBMITTED)
PENDING = (RecordState.TO_SEND, RecordState.SENT, RecordState.REJECTED)
#: CreateBatchCertificateRequestValidator.cs: "Certificate already exists: <reference>".
_ALREADY = re.compile(r"^Certificate already exists: (\S+)$")


def _admin_of(actor: User, epao_id: int) -> None:
    if epao_id not in roles_of(actor).orgs(Role.EPAO_ADMIN):
        raise ActionRefused("Only the EPAO's admins can send records to the assessment service.")


def _queue_send(epao_id: int) -> None:
    from openepa.certificates.tasks import send_to_service

    transaction.on_commit(lambda: send_to_service.enqueue(epao_id))


def do_queue_for_service(
    *, actor: User, epao_id: int, enrolment_ids: Collection[int] | None = None
) -> list[ServiceRecord]:
    """Queue what the service does not have yet for the EPAO's apprentices: for each
    enrolment's latest released result not yet exported or queued, an EPA record (or an
    update), and for a Pass or Distinction the certificate request and its submit; for
    each withdrawn apprentice who passed gateway, an EPA record saying "Withdrawn". The
    worker sends them after commit. Queueing again adds nothing already queued.

    ``enrolment_ids`` limits it to those enrolments (the admin's chosen rows, openepa.bulk)."""
    _admin_of(actor, epao_id)
    if not client.configured():
        raise ActionRefused(
            "The connection to the assessment service is not set up: set its address and "
            "subscription key (README, Settings), or use the file export."
        )
    with transaction.atomic():
        ready = ready_results(epao_id)
        withdrawn_ready = withdrawn_to_send(epao_id)
        if enrolment_ids is not None:
            ready = ready.filter(enrolment_id__in=list(enrolment_ids))
            withdrawn_ready = withdrawn_ready.filter(pk__in=list(enrolment_ids))
        result_ids = list(ready.values_list("pk", flat=True))
        withdrawn_ids = list(withdrawn_ready.values_list("pk", flat=True))
        enrolment_ids = sorted(
            {
                *OverallResult.objects.filter(pk__in=result_ids).values_list(
                    "enrolment_id", flat=True
                ),
                *withdrawn_ids,
            }
        )
        if not enrolment_ids:
            return []
        locked = {
            e.pk: e
            for e in Enrolment.objects.select_for_update(of=("self",))
            .filter(pk__in=enrolment_ids)
            .select_related("apprentice", "standard", "policy", "employer", "postal_contact")
            .order_by("pk")
        }
        chosen = list(
            ready_results(epao_id)
            .filter(enrolment_id__in=list(locked))
            .select_related(*records.RESULT_RELATED)
        )
        history = released_history(locked)
        planner = _Planner(actor, epao_id, locked)
        for result in chosen:
            planner.result(result, history.get(result.enrolment_id, [result]))
        withdrawn = withdrawn_to_send(epao_id).filter(pk__in=list(locked))
        withdrawals = _withdrawal_dates(withdrawn.values_list("pk", flat=True))
        for enrolment_id, on in withdrawals.items():
            planner.withdrawal(locked[enrolment_id], history.get(enrolment_id, []), on)
        if planner.created:
            _queue_send(epao_id)
    return planner.created


def _withdrawal_dates(enrolment_ids: Iterable[int]) -> dict[int, date]:
    """The local date each enrolment was withdrawn (its latest withdraw event)."""
    dates: dict[int, date] = {}
    for enrolment_id, at in (
        JourneyEvent.objects.filter(
            enrolment_id__in=list(enrolment_ids), to_state=State.WITHDRAWN.value
        )
        .order_by("at")
        .values_list("enrolment_id", "at")
    ):
        dates[enrolment_id] = timezone.localdate(at)
    return dates


class _Planner:
    """Writes the records of one queueing, numbering each enrolment's records on from the
    last one it has."""

    def __init__(self, actor: User, epao_id: int, locked: dict[int, Enrolment]) -> None:
        self.actor, self.epao_id, self.locked = actor, epao_id, locked
        self.created: list[ServiceRecord] = []
        self.sequence = dict(
            ServiceRecord.objects.filter(enrolment_id__in=list(locked))
            .values_list("enrolment_id")
            .annotate(last=Max("sequence"))
            .values_list("enrolment_id", "last")
        )
        self.has_epa = set(
            ServiceRecord.objects.filter(
                enrolment_id__in=list(locked), kind=RecordKind.EPA_CREATE
            ).values_list("enrolment_id", flat=True)
        )

    def _add(
        self,
        enrolment: Enrolment,
        kind: str,
        subject: str,
        body: records.Body,
        result: OverallResult | None,
    ) -> ServiceRecord:
        sequence = self.sequence.get(enrolment.pk, 0) + 1
        self.sequence[enrolment.pk] = sequence
        request = f"openepa-{enrolment.pk}-{sequence}"
        body["requestId"] = request
        row = ServiceRecord.objects.create(
            epao_id=self.epao_id,
            enrolment=enrolment,
            result=result,
            kind=kind,
            subject=subject,
            sequence=sequence,
            request_id=request,
            body=body,
            created_by=self.actor,
        )
        self.created.append(row)
        return row

    def _epa(
        self,
        enrolment: Enrolment,
        sittings: list[Sitting],
        subject: str,
        result: OverallResult | None,
        withdrawn_on: date | None = None,
    ) -> None:
        kind = RecordKind.EPA_UPDATE if enrolment.pk in self.has_epa else RecordKind.EPA_CREATE
        self.has_epa.add(enrolment.pk)
        body = records.epa_record(enrolment, sittings, "", withdrawn_on=withdrawn_on)
        row = self._add(enrolment, kind, subject, body, result)
        record(
            enrolment,
            actor=self.actor,
            action=CertificateStep.EPA_RECORD_QUEUED,
            data={"service_record_id": row.pk, "kind": kind},
        )

    def result(self, result: OverallResult, released: list[OverallResult]) -> None:
        enrolment = self.locked[result.enrolment_id]
        sittings = records.sittings_of(result, released)
        subject = f"result-{result.pk}"
        self._epa(enrolment, sittings, subject, result)
        if records.kind_of(result) == ExportKind.CERTIFICATE:
            body = records.certificate_request(result, sittings, "")
            row = self._add(enrolment, RecordKind.CERTIFICATE, subject, body, result)
            self._add(
                enrolment, RecordKind.SUBMIT, subject, records.submit_request(enrolment, ""), result
            )
            record_certificate_requested(
                enrolment, self.actor, result, {"service_record_id": row.pk}
            )

    def withdrawal(self, enrolment: Enrolment, released: list[OverallResult], on: date) -> None:
        sittings = [records.sitting(r) for r in released]
        self._epa(enrolment, sittings, "withdrawn", None, withdrawn_on=on)


def do_send_again(*, actor: User, record_id: int) -> ServiceRecord:
    """Send a rejected record again (after the cause was fixed: an address, a name), or a
    sent one whose answer never came. Its body is built again from today's data, so a
    corrected address or name goes with it."""
    with transaction.atomic():
        row = (
            ServiceRecord.objects.select_for_update(of=("self",))
            .select_related("result")
            .get(pk=record_id)
        )
        _admin_of(actor, row.epao_id)
        if row.state not in (RecordState.REJECTED, RecordState.SENT, RecordState.TO_SEND):
            raise ActionRefused(
                "This record was accepted by the service; there is nothing to send again."
            )
        enrolment = lock_enrolment(row.enrolment_id)
        row.body = _rebuilt(row)
        row.state = RecordState.TO_SEND
        row.messages = []
        row.last_error = ""
        row.attempts = 0
        row.save(update_fields=["body", "state", "messages", "last_error", "attempts"])
        record(
            enrolment,
            actor=actor,
            action=CertificateStep.SERVICE_RECORD_RESENT,
            data={"service_record_id": row.pk, "kind": row.kind},
        )
        _queue_send(row.epao_id)
    return row


def _rebuilt(row: ServiceRecord) -> records.Body:
    enrolment = Enrolment.objects.select_related(
        "apprentice", "standard", "policy", "employer", "postal_contact"
    ).get(pk=row.enrolment_id)
    released = released_history([enrolment.pk]).get(enrolment.pk, [])
    if row.kind == RecordKind.SUBMIT:
        body = records.submit_request(enrolment, row.request_id)
    elif row.result is None:
        withdrawn_on = _withdrawal_dates([enrolment.pk]).get(enrolment.pk, timezone.localdate())
        body = records.epa_record(
            enrolment,
            [records.sitting(r) for r in released],
            row.request_id,
            withdrawn_on=withdrawn_on,
        )
    else:
        result = row.result
        result.enrolment = enrolment
        sittings = records.sittings_of(result, released)
        if row.kind == RecordKind.CERTIFICATE:
            body = records.certificate_request(result, sittings, row.request_id)
        else:
            body = records.epa_record(enrolment, sittings, row.request_id)
    return body


# --- The worker's side -----------------------------------------------------------------


def next_batch(epao_id: int) -> list[int]:
    """Ids of up to 25 records of one kind that may go now: each the first unfinished
    record of its apprentice, and "to send". Kinds in the order the service needs them."""
    first: dict[int, tuple[int, str, str]] = {}
    for pk, enrolment_id, kind, state in (
        ServiceRecord.objects.filter(epao_id=epao_id, state__in=PENDING)
        .order_by("enrolment_id", "sequence")
        .values_list("pk", "enrolment_id", "kind", "state")
    ):
        first.setdefault(enrolment_id, (pk, kind, state))
    ready: dict[str, list[int]] = defaultdict(list)
    for pk, kind, state in first.values():
        if state == RecordState.TO_SEND:
            ready[kind].append(pk)
    for kind in KIND_ORDER:
        if ready[kind]:
            return sorted(ready[kind])[:BATCH_LIMIT]
    return []


def _reference_for(row: ServiceRecord) -> dict[str, str]:
    """The reference an update or a submit carries: the service's answer to the first EPA
    record, or to the certificate request."""
    if row.kind == RecordKind.EPA_UPDATE:
        ref = (
            ServiceRecord.objects.filter(
                enrolment_id=row.enrolment_id, kind=RecordKind.EPA_CREATE, state__in=DONE
            )
            .values_list("reference", flat=True)
            .first()
        )
        return {"epaReference": ref or ""}
    if row.kind == RecordKind.SUBMIT:
        ref = (
            ServiceRecord.objects.filter(
                enrolment_id=row.enrolment_id,
                kind=RecordKind.CERTIFICATE,
                subject=row.subject,
                state__in=DONE,
            )
            .values_list("reference", flat=True)
            .first()
        )
        return {"certificateReference": ref or ""}
    return {}


def claim(ids: list[int], today: date) -> tuple[str, list[ServiceRecord], list[records.Body]]:
    """Move the records that are still "to send" to "sent" and return them with the bodies
    to send. A body that breaks the schema or one of the service's rules is not sent: it is
    rejected here with the service's words (it would be refused there)."""
    with transaction.atomic():
        rows = list(
            ServiceRecord.objects.select_for_update()
            .filter(pk__in=ids, state=RecordState.TO_SEND)
            .order_by("pk")
        )
        if not rows:
            return "", [], []
        kind = rows[0].kind
        sending, bodies = [], []
        for row in rows:
            body = {**row.body, "requestId": row.request_id, **_reference_for(row)}
            if kind == RecordKind.EPA_UPDATE:
                body = {
                    "requestId": body.pop("requestId"),
                    "epaReference": body.pop("epaReference"),
                    **body,
                }
            # The service's own words first; the schema catches what its rules do not.
            problems = records.rule_problems(kind, body, today)
            schema = None if problems else records.schema_problem(kind, [body])
            if schema:
                problems.append(f"Does not match the request schema: {schema}")
            if problems:
                _finish(row, RecordState.REJECTED, messages=problems, checked_here=True)
                continue
            row.state = RecordState.SENT
            row.attempts += 1
            row.sent_at = timezone.now()
            row.save(update_fields=["state", "attempts", "sent_at"])
            sending.append(row)
            bodies.append(body)
    return kind, sending, bodies


def _finish(
    row: ServiceRecord,
    state: str,
    *,
    reference: str = "",
    messages: list[str] | None = None,
    checked_here: bool = False,
) -> None:
    """Record the service's answer on the record and on the enrolment's timeline."""
    enrolment = lock_enrolment(row.enrolment_id)
    row.state = state
    row.reference = reference or row.reference
    row.messages = messages or []
    row.last_error = "Found by OpenEPA's check before sending." if checked_here else ""
    row.answered_at = timezone.now()
    row.save(update_fields=["state", "reference", "messages", "last_error", "answered_at"])
    if state == RecordState.REJECTED:
        action, reason = CertificateStep.SERVICE_RECORD_REJECTED, "; ".join(row.messages)
    elif state == RecordState.SUBMITTED:
        action, reason = (
            CertificateStep.CERTIFICATE_SUBMITTED,
            f"Certificate reference {row.reference}",
        )
    else:
        action, reason = CertificateStep.SERVICE_RECORD_ACCEPTED, f"Reference {row.reference}"
    record(
        enrolment,
        actor=None,
        action=action,
        reason=f"{row.get_kind_display()}: {reason}",
        data={"service_record_id": row.pk, "kind": row.kind, "reference": row.reference},
    )


def _reference_in(kind: str, item: Mapping[str, object]) -> str:
    if kind in (RecordKind.EPA_CREATE, RecordKind.EPA_UPDATE):
        return str(item.get("epaReference") or "")
    certificate = item.get("certificate")
    data = certificate.get("certificateData") if isinstance(certificate, Mapping) else None
    return str(data.get("certificateReference") or "") if isinstance(data, Mapping) else ""


def apply_answer(kind: str, rows: list[ServiceRecord], answer: client.Answer) -> None:
    """Each record's answer: accepted with the service's reference, submitted, or
    rejected with its messages; a whole-call refusal (4xx) rejects every record of it."""
    with transaction.atomic():
        by_request = {}
        if not answer.refused_whole and isinstance(answer.data, list):
            by_request = {str(i.get("requestId")): i for i in answer.data if isinstance(i, dict)}
        for row in sorted(rows, key=lambda r: r.enrolment_id):
            if answer.refused_whole:
                _finish(row, RecordState.REJECTED, messages=[answer.message()])
                continue
            item = by_request.get(row.request_id)
            if item is None:
                _finish(
                    row,
                    RecordState.REJECTED,
                    messages=["The service's answer did not include this record."],
                )
                continue
            errors = [str(e) for e in item.get("validationErrors") or []]
            already = _ALREADY.match(errors[0]) if len(errors) == 1 else None
            if already and kind == RecordKind.CERTIFICATE and row.attempts > 1:
                # An earlier try reached the service but its answer was lost: the
                # certificate it holds is this record's.
                errors = []
                item = {"certificate": {"certificateData": {"certificateReference": already[1]}}}
            if errors:
                _finish(row, RecordState.REJECTED, messages=errors)
            else:
                state = RecordState.SUBMITTED if kind == RecordKind.SUBMIT else RecordState.ACCEPTED
                _finish(row, state, reference=_reference_in(kind, item))


def back_to_send(rows: list[ServiceRecord], error: str) -> None:
    """No answer: the records wait for the next try, with the reason shown."""
    ServiceRecord.objects.filter(pk__in=[r.pk for r in rows], state=RecordState.SENT).update(
        state=RecordState.TO_SEND, last_error=error[:500]
    )


def send_pending(epao_id: int, *, today: date | None = None) -> tuple[int, str]:
    """Send every record that may go now, call after call, until none is left or the
    service does not answer. Returns (records answered, the error that stopped it)."""
    day = today or timezone.localdate()
    answered = 0
    for _ in range(1000):  # a bound: each round answers at least one record
        ids = next_batch(epao_id)
        if not ids:
            return answered, ""
        kind, rows, bodies = claim(ids, day)
        if not rows:
            continue
        method, path = ENDPOINTS[RecordKind(kind)]
        try:
            answer = client.call(method, path, bodies)
        except client.Unavailable as error:
            back_to_send(rows, str(error))
            return answered, str(error)
        apply_answer(kind, rows, answer)
        answered += len(rows)
    return answered, ""


def do_check_service(*, actor: User, epao_id: int) -> bool:
    """Ask the worker to compare what the service holds with what OpenEPA sent."""
    _admin_of(actor, epao_id)
    if not client.configured():
        raise ActionRefused(
            "The connection to the assessment service is not set up: set its address and "
            "subscription key (README, Settings)."
        )
    from openepa.certificates.tasks import check_service

    transaction.on_commit(lambda: check_service.enqueue(epao_id))
    return True
