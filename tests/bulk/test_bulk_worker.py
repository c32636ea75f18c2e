"""A bulk run of more than a few rows goes to the worker (django-tasks-db, queued when the
run's transaction commits), through `manage.py db_worker` as `make run` runs it; run again,
it acts on nothing twice. Certificate requests are made for the chosen results only, in
batches of at most 25, and a result no longer waiting is reported, not requested.

These tests commit for real (transaction=True), as the worker only sees committed rows."""

from __future__ import annotations

import csv
import io

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from openepa.bulk.models import BulkRow, BulkRun
from openepa.bulk.tasks import run_bulk
from openepa.certificates.actions import do_export_certificate_requests
from openepa.certificates.models import ExportBatch, ExportedRecord
from openepa.enrolments.models import JourneyEvent
from tests.certificates.helpers import many_released, with_address
from tests.notifications.test_worker import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_certificate_requests_for_the_chosen_results_run_in_the_worker(client, world):
    with_address(world.employer)
    results = many_released(world, 9)
    left_alone = results[8]
    # One of the chosen is requested by someone else before the run starts.
    do_export_certificate_requests(
        actor=world.admin, epao_id=world.epao.pk, enrolment_ids=[results[0].enrolment_id]
    )
    client.force_login(world.admin)
    listing = client.get("/bulk/certificates/").content.decode()
    assert "All 8 results matching this list" in listing
    chosen = {"ids": [r.pk for r in results[:8]]}

    confirm = client.post("/bulk/request-certificates/confirm/", chosen).content.decode()
    assert "Request certificates for 8 results?" in confirm
    assert "worked through in the background" in confirm
    report = client.post("/bulk/request-certificates/start/", chosen, follow=True)
    assert "The worker is working through the rest." in report.content.decode()
    run = BulkRun.objects.get()
    assert run.in_worker
    assert BulkRow.objects.filter(outcome="waiting").count() == 8
    assert DBTaskResult.objects.filter(
        task_path=run_bulk.module_path, status=TaskResultStatus.READY
    ).exists()

    run_worker()
    run.refresh_from_db()
    assert run.finished_at is not None
    outcomes = dict(BulkRow.objects.values_list("target_id", "outcome"))
    assert outcomes[results[0].pk] == "refused"
    assert all(outcomes[r.pk] == "done" for r in results[1:8])
    exported = set(ExportedRecord.objects.values_list("result_id", flat=True))
    assert left_alone.pk not in exported  # not chosen: still waiting
    assert {r.pk for r in results[1:8]} <= exported
    # Seven chosen results: one batch of EPA records and one of certificate requests.
    assert ExportBatch.objects.filter(created_by=world.admin).count() == 2 + 2
    assert JourneyEvent.objects.filter(action="certificate_requested").count() == 8

    response = client.get(f"/bulk/runs/{run.pk}.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["Outcome"] for r in rows].count("Done") == 7
    assert rows[0]["Outcome"] == "Refused"
    assert "no longer" in rows[0]["Reason"]

    # The task again (a second worker, a restart): nothing is acted on twice.
    run_bulk.enqueue(run.pk)
    run_worker()
    assert ExportBatch.objects.count() == 4
    assert JourneyEvent.objects.filter(action="certificate_requested").count() == 8
