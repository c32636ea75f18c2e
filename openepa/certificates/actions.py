"""Exporting released results as files for EPAOs that upload by hand (issue 4 item 4,
issue 13): every result as an EPA record with all its attempts, and a Pass or Distinction
also as a certificate request, in batches of at most 25 (the service's limit), each result
exported once. Sending them to the service instead is `openepa.certificates.sending`."""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction

from openepa.accounts.models import User
from openepa.accounts.roles import is_epao_admin
from openepa.certificates import records
from openepa.certificates.models import ExportBatch, ExportedRecord, ExportFormat, ExportKind
from openepa.certificates.queries import ready_results, released_history
from openepa.core.refusals import ActionRefused
from openepa.domain.journey import Event, State
from openepa.domain.record_a_grade import in_batches
from openepa.domain.steps import CertificateStep
from openepa.enrolments.journey import record, transition
from openepa.enrolments.models import Enrolment
from openepa.results.models import OverallResult

#: The JourneyEvent appended to each enrolment exported, by kind of record.
EVENTS = {
    ExportKind.CERTIFICATE: CertificateStep.CERTIFICATE_REQUESTED,
    ExportKind.EPA: CertificateStep.EPA_RECORD_EXPORTED,
}


def do_export_certificate_requests(
    *,
    actor: User,
    epao_id: int,
    format: str = ExportFormat.JSON,
    enrolment_ids: Collection[int] | None = None,
) -> list[ExportBatch]:
    """Export every result of the EPAO that is ready and not yet exported, as many batches
    of at most 25 as it takes (certificate requests and EPA records in separate batches:
    they go to different endpoints), all in one transaction. Returns the new batches; none
    when nothing is waiting, so exporting again is harmless.

    Two admins exporting at once: the enrolments concerned are locked first (the order every
    result action locks in), then the results are chosen again under the lock, so the
    second export sees the first one's marks and leaves those results out; the unique
    (result, kind) constraint backs this up. A batch that does not match the schema is
    refused, naming the path, and nothing is written.

    ``enrolment_ids`` limits the export to those enrolments (the demo replays one
    apprentice's story at a time, on the day it happened)."""
    if not is_epao_admin(actor, epao_id):
        raise ActionRefused("Only the EPAO's admins can export certificate requests.")
    if format not in ExportFormat.values:
        raise ActionRefused("Choose JSON or CSV.", field="format")
    with transaction.atomic():
        ready = ready_results(epao_id)
        if enrolment_ids is not None:
            ready = ready.filter(enrolment_id__in=list(enrolment_ids))
        waiting = list(ready.values_list("enrolment_id", flat=True))
        if not waiting:
            return []
        locked = {
            e.pk: e
            for e in Enrolment.objects.select_for_update().filter(pk__in=waiting).order_by("pk")
        }
        chosen = list(
            ready_results(epao_id)
            .filter(enrolment_id__in=list(locked))
            .select_related(*records.RESULT_RELATED)
            .select_for_update(of=("self",))
        )
        history = released_history(locked)
        batches: list[ExportBatch] = []
        # The EPA records first: a hand upload follows the file order, and the service
        # must hold the attempts before the certificate request.
        for kind in (ExportKind.EPA, ExportKind.CERTIFICATE):
            of_kind = [r for r in chosen if kind == ExportKind.EPA or records.kind_of(r) == kind]
            for chunk in in_batches(of_kind):
                batches.append(_write_batch(actor, epao_id, kind, format, chunk, history, locked))
    return batches


def _write_batch(
    actor: User,
    epao_id: int,
    kind: ExportKind,
    format: str,
    results: tuple[OverallResult, ...],
    history: dict[int, list[OverallResult]],
    locked: dict[int, Enrolment],
) -> ExportBatch:
    built = records.build(kind, results, history)
    records.check(records.SCHEMA_KIND[kind], built)
    batch = ExportBatch.objects.create(
        epao_id=epao_id,
        created_by=actor,
        kind=kind.value,
        format=format,
        record_count=len(built),
        payload=records.payload(built),
    )
    ExportedRecord.objects.bulk_create(
        ExportedRecord(batch=batch, result=r, kind=kind.value, request_id=records.request_id(r))
        for r in results
    )
    for result in results:
        data = {
            "result_id": result.pk,
            "batch_id": batch.pk,
            "request_id": records.request_id(result),
            "grade": result.grade,
        }
        enrolment = locked[result.enrolment_id]
        if kind == ExportKind.CERTIFICATE:
            record_certificate_requested(enrolment, actor, result, data)
        else:
            record(enrolment, actor=actor, action=EVENTS[kind], data=data)
    return batch


def record_certificate_requested(
    enrolment: Enrolment, actor: User, result: OverallResult, data: dict[str, object]
) -> None:
    """The one place a certificate request is recorded on the enrolment's timeline (by the
    file export and by queueing it for the service): `certificate_requested`. Completion
    follows the certificate request (openepa.domain.journey); a replacement request after an
    upheld enquiry leaves the enrolment completed."""
    record(
        enrolment,
        actor=actor,
        action=CertificateStep.CERTIFICATE_REQUESTED,
        data={**data, "result_id": result.pk, "grade": result.grade},
    )
    if enrolment.journey_state == State.RESULTS_ISSUED:
        transition(enrolment, Event.COMPLETE, actor=actor, reason="certificate requested")
