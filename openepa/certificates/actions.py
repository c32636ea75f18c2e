"""Exporting released results in the shape of the record-a-grade API (issue 4 item 4): a
Pass or Distinction as a certificate request with its EPA history, a Fail as an EPA record
only, in batches of at most 25 (the API's limit), each result exported once."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import transaction

from openepa.accounts.roles import is_epao_admin
from openepa.certificates import records
from openepa.certificates.models import ExportBatch, ExportedRecord, ExportFormat, ExportKind
from openepa.certificates.queries import ready_results, released_history
from openepa.core.refusals import ActionRefused
from openepa.domain.journey import Event, State
from openepa.domain.record_a_grade import in_batches
from openepa.enrolments.journey import record, transition
from openepa.enrolments.models import Enrolment
from openepa.results.models import OverallResult

#: The JourneyEvent appended to each enrolment exported, by kind of record.
EVENTS = {
    ExportKind.CERTIFICATE: "certificate_requested",
    ExportKind.EPA: "epa_record_exported",
}


def do_export_certificate_requests(
    *,
    actor: Any,
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
            .select_related("enrolment__apprentice", "enrolment__standard", "enrolment__policy")
            .select_for_update(of=("self",))
        )
        history = released_history(locked)
        batches: list[ExportBatch] = []
        for kind in ExportKind:
            of_kind = [r for r in chosen if records.kind_of(r) == kind]
            for chunk in in_batches(of_kind):
                batches.append(_write_batch(actor, epao_id, kind, format, chunk, history, locked))
    return batches


def _write_batch(
    actor: Any,
    epao_id: int,
    kind: ExportKind,
    format: str,
    results: tuple[OverallResult, ...],
    history: dict[int, list[OverallResult]],
    locked: dict[int, Enrolment],
) -> ExportBatch:
    built = records.build(results, history)
    records.check(built)
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
        enrolment = locked[result.enrolment_id]
        record(
            enrolment,
            actor=actor,
            action=EVENTS[kind],
            data={
                "result_id": result.pk,
                "batch_id": batch.pk,
                "request_id": records.request_id(result),
                "grade": result.grade,
            },
        )
        if kind == ExportKind.CERTIFICATE and enrolment.journey_state == State.RESULTS_ISSUED:
            # Completion follows the certificate request (openepa.domain.journey); a
            # replacement request after an upheld enquiry leaves it completed.
            transition(enrolment, Event.COMPLETE, actor=actor, reason="certificate requested")
    return batch
