"""What waits to be exported or sent is kept by the database (ReadyResult, migration
certificates 0004): after every kind of write that changes it (a release and its undoing, a
later result released, a supersede, a re-grade, an export or a send and their undoing, a
withdrawal and its undoing, an enrolment or a result moved, a result removed) its rows equal
the rule itself (queries._ready) evaluated over the rows. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from openepa.certificates.models import (
    ExportBatch,
    ExportedRecord,
    ExportKind,
    ReadyResult,
    ServiceRecord,
)
from openepa.certificates.queries import _ready, ready_counts
from openepa.enrolments.models import Enrolment
from openepa.organisations.models import Organisation
from openepa.results.models import OverallResult
from tests.results.builders import another_enrolment

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
AT = datetime(2026, 10, 1, 9, 0, tzinfo=LONDON)


def recounted() -> dict[int, tuple[int, int, str]]:
    every = Organisation.objects.values_list("pk", flat=True)
    return {
        r.enrolment_id: (r.enrolment.epao_id, r.pk, r.grade)
        for r in _ready(every).select_related("enrolment")
    }


def kept() -> dict[int, tuple[int, int, str]]:
    return {
        e: (epao, result, grade)
        for e, epao, result, grade in ReadyResult.objects.values_list(
            "enrolment_id", "epao_id", "result_id", "grade"
        )
    }


def _result(enrolment: Enrolment, **fields: Any) -> OverallResult:
    fields.setdefault("grade", "pass")
    return OverallResult.objects.create(
        enrolment=enrolment, methods={}, last_component_on=date(2026, 9, 1), **fields
    )


def test_what_waits_is_kept_after_every_write(world):
    def check(waiting: int) -> None:
        assert kept() == recounted()
        assert len(kept()) == waiting

    def update(result: OverallResult, **fields: Any) -> None:
        OverallResult.objects.filter(pk=result.pk).update(**fields)

    def withdraw(enrolment: Enrolment, state: str) -> None:
        Enrolment.objects.filter(pk=enrolment.pk).update(state=state)

    enrolment = world.enrolment
    other = another_enrolment(world, 1)
    first = _result(enrolment, grade="fail")
    check(0)
    # Released, then the release undone and done again.
    update(first, released_at=AT)
    check(1)
    update(first, released_at=None)
    check(0)
    update(first, released_at=AT)
    # A resit released later: the latest released is what waits; undone, the first again.
    resit = _result(enrolment, released_at=AT + timedelta(days=30))
    check(1)
    assert kept()[enrolment.pk][1] == resit.pk
    update(resit, released_at=None)
    check(1)
    assert kept()[enrolment.pk][1] == first.pk
    update(resit, released_at=AT + timedelta(days=30))
    # Re-graded, superseded (a re-grade's new result not yet released), restored.
    update(resit, grade="distinction")
    check(1)
    assert kept()[enrolment.pk][2] == "distinction"
    update(resit, superseded_at=AT + timedelta(days=31))
    check(0)
    update(resit, superseded_at=None)
    check(1)
    # Exported; the export's record removed (an undo) and changed to another result.
    batch = ExportBatch.objects.create(
        epao=world.epao,
        created_by=world.admin,
        kind="certificate",
        format="json",
        record_count=1,
        payload="[]",
    )
    exported = ExportedRecord.objects.create(
        batch=batch, result=resit, kind="certificate", request_id="r-1"
    )
    check(0)
    ExportedRecord.objects.filter(pk=exported.pk).update(result=first)
    check(1)
    ExportedRecord.objects.filter(pk=exported.pk).update(result=resit)
    check(0)
    exported.delete()
    check(1)
    # Sent to the assessment service instead; a withdrawal's record concerns no result.
    sent = ServiceRecord.objects.create(
        epao=world.epao,
        enrolment=enrolment,
        result=resit,
        kind="certificate",
        subject=f"result-{resit.pk}",
        sequence=1,
        request_id="s-1",
        body={},
        created_by=world.admin,
    )
    check(0)
    ServiceRecord.objects.create(
        epao=world.epao,
        enrolment=other,
        result=None,
        kind="epa_create",
        subject="withdrawn",
        sequence=1,
        request_id="s-2",
        body={},
        created_by=world.admin,
    )
    check(0)
    sent.delete()
    check(1)
    # Withdrawn and back; another state change moves nothing.
    withdraw(enrolment, "withdrawn")
    check(0)
    withdraw(enrolment, "results_issued")
    check(1)
    withdraw(enrolment, "awaiting_results")
    check(1)
    # A second enrolment's result; moved to the first enrolment and back; removed.
    theirs = _result(other, released_at=AT + timedelta(days=60))
    check(2)
    update(theirs, enrolment=enrolment)
    check(1)
    assert kept()[enrolment.pk][1] == theirs.pk
    update(theirs, enrolment=other)
    check(2)
    theirs.delete()
    check(1)
    # The enrolment moved to another EPAO: counted there.
    elsewhere = world.other_epao
    Enrolment.objects.filter(pk=enrolment.pk).update(epao=elsewhere)
    check(1)
    assert ready_counts(elsewhere.pk)[ExportKind.EPA] == 1
    assert ready_counts(world.epao.pk)[ExportKind.EPA] == 0
