"""The exports page through the test client: the EPAO admin sees what is waiting, exports it
with one button, downloads each batch as JSON or CSV (the same bytes every time); everyone
else gets a 404."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, time

import pytest

from openepa.certificates import actions, records
from openepa.certificates.models import ExportBatch
from openepa.domain.journey import State
from openepa.domain.record_a_grade import in_batches
from openepa.domain.standard import InteractionMode, Method
from tests.certificates.helpers import (
    failed_observation,
    many_released,
    released,
    resat,
    with_address,
)
from tests.journeys.driver import Journey, marks, working_day_after

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 2)
NOT_ADMINS = (
    "assessor",
    "second_assessor",
    "iqa",
    "employer",
    "provider",
    "apprentice",
    "outsider_employer",
    "outsider_provider",
    "outsider_assessor",
)


@pytest.fixture(autouse=True)
def addressed(world):
    with_address(world.employer)


def page(client, user) -> str:
    client.force_login(user)
    response = client.get("/certificates/")
    assert response.status_code == 200
    return str(response.content.decode())


def press_export(client, world, user=None):
    client.force_login(user or world.admin)
    return client.post("/certificates/export/", {"epao": world.epao.pk}, follow=True)


def test_the_admin_sees_what_is_waiting_and_exports_it(client, world):
    released(world, world.enrolment, "distinction", start=MARCH)
    html = page(client, world.admin)
    assert "Ready: 1 EPA record and 1 certificate request." in html
    assert "Export 2 records as files" in html
    assert "No batches have been exported yet." in html
    # No connection to the service is set up: no button to send.
    assert "Send to the assessment service" not in html
    done = press_export(client, world).content.decode()
    assert "Exported 2 records for Northern EPAO in 2 batches of at most 25." in done
    assert "Nothing is waiting: every released result is exported." in done
    batch = ExportBatch.objects.get(kind="certificate")
    assert f'href="/certificates/batches/{batch.pk}.json"' in done
    again = press_export(client, world).content.decode()
    assert "Nothing to export for Northern EPAO" in again
    assert ExportBatch.objects.count() == 2


def test_downloads_are_attachments_with_the_same_bytes_each_time(client, world):
    released(world, world.enrolment, "pass", start=MARCH)
    press_export(client, world)
    batch = ExportBatch.objects.get(kind="certificate")
    first = client.get(f"/certificates/batches/{batch.pk}.json")
    assert first["Content-Type"] == "application/json; charset=utf-8"
    assert first["Content-Disposition"] == (
        f'attachment; filename="openepa-certificate-batch-{batch.pk}.json"'
    )
    assert first.content == client.get(f"/certificates/batches/{batch.pk}.json").content
    assert first.content == batch.payload.encode()
    records = json.loads(first.content)
    assert records[0]["learningDetails"]["overallGrade"] == "Pass"
    spreadsheet = client.get(f"/certificates/batches/{batch.pk}.csv")
    assert spreadsheet["Content-Disposition"] == (
        f'attachment; filename="openepa-certificate-batch-{batch.pk}.csv"'
    )
    assert spreadsheet.content == client.get(f"/certificates/batches/{batch.pk}.csv").content
    [row] = list(csv.DictReader(io.StringIO(spreadsheet.content.decode())))
    assert row["requestId"] == records[0]["requestId"]
    assert row["learner.uln"] == str(records[0]["learner"]["uln"])
    assert row["learningDetails.courseOption"] == ""
    assert row["learningDetails.overallGrade"] == "Pass"
    assert row["postalContact.city"] == "Leeds"
    history = ExportBatch.objects.get(kind="epa")
    [epa_row] = list(
        csv.DictReader(
            io.StringIO(client.get(f"/certificates/batches/{history.pk}.csv").content.decode())
        )
    )
    assert epa_row["epaDetails.epas[0].epaOutcome"] == "Pass"
    assert epa_row["epaDetails.epas[0].resit"] == "false"


def test_the_csv_has_one_row_per_record_and_the_history_in_numbered_columns(client, world):
    failed_observation(world, world.enrolment, start=MARCH)
    resat(world, world.enrolment, "observation", on=date(2026, 4, 20))
    many_released(world, 1)
    press_export(client, world)
    batch = ExportBatch.objects.get(kind="epa")
    text = client.get(f"/certificates/batches/{batch.pk}.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2
    resat_row = next(r for r in rows if r["learner.familyName"] == "Lovelace")
    # Newest first, as the service reads the latest.
    assert resat_row["epaDetails.epas[0].epaOutcome"] == "Pass"
    assert resat_row["epaDetails.epas[0].resit"] == "true"
    assert resat_row["epaDetails.epas[1].epaOutcome"] == "Fail"
    assert resat_row["epaDetails.epas[0].epaDate"] == "2026-04-20"
    other = next(r for r in rows if r is not resat_row)
    assert other["epaDetails.epas[1].epaDate"] == ""


def test_nobody_else_sees_the_page_the_button_or_a_batch(client, world):
    released(world, world.enrolment, "pass", start=MARCH)
    press_export(client, world)
    batch = ExportBatch.objects.get(kind="certificate")
    personas = world.personas()
    for name in (*NOT_ADMINS, "outsider_admin"):
        client.force_login(personas[name])
        for url in (
            f"/certificates/batches/{batch.pk}.json",
            f"/certificates/batches/{batch.pk}.csv",
        ):
            assert client.get(url).status_code == 404, (name, url)
        for url in (
            "/certificates/export/",
            "/certificates/send/",
            "/certificates/reconcile/check/",
        ):
            assert client.post(url, {"epao": world.epao.pk}).status_code == 404, (name, url)
    for name in NOT_ADMINS:
        client.force_login(personas[name])
        assert client.get("/certificates/").status_code == 404, name
        assert client.get("/certificates/reconcile/").status_code == 404, name
    # Another EPAO's admin has a page of their own, without this EPAO's batches.
    other = page(client, world.outsider_admin)
    assert "Southern EPAO" in other
    assert f"/certificates/batches/{batch.pk}.json" not in other
    client.logout()
    assert client.get("/certificates/")["Location"].startswith("/accounts/login/")
    assert ExportBatch.objects.count() == 2


def test_the_admins_navigation_links_to_certificates(client, world):
    client.force_login(world.admin)
    assert 'href="/certificates/"' in client.get("/").content.decode()
    client.force_login(world.employer_user)
    assert 'href="/certificates/"' not in client.get("/").content.decode()


@pytest.mark.parametrize("rows", [1, 50])
def test_the_page_needs_the_same_queries_for_1_and_50_batches(
    client, world, django_assert_max_num_queries, monkeypatch, rows
):
    many_released(world, rows * 2)
    # Batches of 2 make `rows` batches without 25 * rows results.
    monkeypatch.setattr(
        "openepa.certificates.actions.in_batches", lambda items: in_batches(items, 2)
    )
    actions.do_export_certificate_requests(actor=world.admin, epao_id=world.epao.pk)
    assert ExportBatch.objects.count() == rows * 2
    many_released(world, 3)  # and some waiting
    client.force_login(world.admin)
    # Session and user, memberships, the EPAOs and their counts, the batches and the
    # records for the service (a page of each, with their counts): the same for 1 and 50.
    with django_assert_max_num_queries(11):
        response = client.get("/certificates/")
    assert response.status_code == 200
    assert "Ready: 3 EPA records and 3 certificate requests." in response.content.decode()


def test_a_real_journey_ends_in_a_certificate_request(world, time_machine):
    """Registration's apprentice through gateway, planning, three bookings and marking on
    the real pages, released by the admin, exported with the button."""
    journey = Journey(world.enrolment)
    f2f = frozenset({InteractionMode.FACE_TO_FACE})
    journey.submit_gateway(world.provider_user)
    journey.accept_gateway(world.admin)
    journey.record_planning(world.admin)
    bookings = [
        journey.book(world.admin, Method.SHOWCASE, world.assessor, working_day_after(5), 9, 30),
        journey.book(world.admin, Method.OBSERVATION, world.assessor, working_day_after(6), 10, 90),
        journey.book(world.admin, Method.DISCUSSION, world.assessor, working_day_after(7), 10, 60),
    ]
    for method, booking in zip(
        (Method.SHOWCASE, Method.OBSERVATION, Method.DISCUSSION), bookings, strict=True
    ):
        journey.mark(world.assessor, booking, marks(method, f2f, 0))
    result_id = journey.release(world.admin)
    assert journey.state() == State.RESULTS_ISSUED.value
    admin = journey.as_(world.admin)
    # The assessments were booked ahead: export once the last one is past (the service
    # refuses an achievement date in the future).
    last_component = working_day_after(7)
    time_machine.move_to(datetime.combine(working_day_after(8), time(12), tzinfo=UTC))
    done = admin.post("/certificates/export/", {"epao": world.epao.pk}, follow=True)
    assert "Exported 2 records" in done.content.decode()
    batch = ExportBatch.objects.get(kind="certificate")
    [record] = json.loads(admin.get(f"/certificates/batches/{batch.pk}.json").content)
    assert record["requestId"] == f"openepa-result-{result_id}"
    assert record["learningDetails"]["overallGrade"] == "Pass"
    assert record["learningDetails"]["achievementDate"] == last_component.isoformat()
    timeline = admin.get(f"/enrolments/{world.enrolment.pk}/").content.decode()
    assert "apprenticeship certificate was requested by" in timeline


def test_a_refused_export_shows_why_and_writes_nothing(client, world, monkeypatch):
    released(world, world.enrolment, "pass", start=MARCH)
    real = records.learner

    def without_family_name(enrolment):
        return {**real(enrolment), "familyName": ""}

    monkeypatch.setattr(records, "learner", without_family_name)
    html = press_export(client, world).content.decode()
    assert "There is a problem" in html
    assert "would be refused by the assessment service: Provide apprentice family name." in html
    assert "Ready: 1 EPA record and 1 certificate request." in html
    assert not ExportBatch.objects.exists()


def test_an_export_without_the_employers_address_says_what_the_service_needs(client, world):
    world.employer.postcode = "LS1"
    world.employer.save()
    released(world, world.enrolment, "pass", start=MARCH)
    html = press_export(client, world).content.decode()
    assert "Provide a valid UK postcode" in html
    assert not ExportBatch.objects.exists()


@pytest.mark.parametrize("rows", [1, 50])
def test_the_records_for_the_service_are_a_page_at_a_time_in_the_same_queries(
    client, world, django_assert_max_num_queries, rows
):
    from openepa.certificates.models import ServiceRecord

    for n, result in enumerate(many_released(world, rows)):
        ServiceRecord.objects.create(
            epao=world.epao,
            enrolment=result.enrolment,
            result=result,
            kind="epa_create",
            subject=f"result-{result.pk}",
            sequence=1,
            request_id=f"openepa-{result.enrolment_id}-1",
            body={},
            state="rejected" if n % 2 else "accepted",
            messages=["ULN, FamilyName and Standard not found."] if n % 2 else [],
            reference="" if n % 2 else f"{n:08d}",
            created_by=world.admin,
        )
    client.force_login(world.admin)
    with django_assert_max_num_queries(11):
        response = client.get("/certificates/")
    html = response.content.decode()
    assert html.count("openepa-") >= min(rows, 25)
    assert ('class="govuk-pagination"' in html) == (rows > 25)
    rejected = client.get("/certificates/?state=rejected").content.decode()
    assert "<strong>Accepted</strong>" not in rejected
    assert rejected.count("<strong>Rejected</strong>") == min(rows // 2, 25)
