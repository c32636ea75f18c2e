"""Sending to the assessment service (issue 13): an apprentice's fail, resit and pass reach
the local stand-in in order — the EPA record, its update with the service's epaReference,
the certificate request, its submit — through the worker; refusals show the service's
messages to the admin; no answer is retried later, a refusal never."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from openepa.certificates import client, sending
from openepa.certificates.models import RecordState, ServiceRecord
from openepa.certificates.tasks import send_to_service
from openepa.core.refusals import ActionRefused
from openepa.enrolments.models import JourneyEvent
from tests.certificates.helpers import failed_observation, resat, with_address
from tests.certificates.standin import StandIn

pytestmark = pytest.mark.django_db


def ago(days: int):
    return timezone.localdate() - timedelta(days=days)


def run_worker() -> None:
    """Run every task that is due, then stop (what `manage.py db_worker` does between
    sleeps)."""
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0",
        stdout=StringIO(),
    )  # fmt: skip


def send(client_, world) -> Any:
    client_.force_login(world.admin)
    return client_.post(reverse("certificates:send"), {"epao": world.epao.pk}, follow=True)


def states(world) -> list[tuple[str, str, str]]:
    return [
        (r.kind, r.state, r.reference)
        for r in ServiceRecord.objects.filter(enrolment=world.enrolment).order_by("sequence")
    ]


@pytest.mark.django_db(transaction=True)
def test_fail_resit_pass_arrive_at_the_service_in_order_through_the_worker(
    world, standin: StandIn, client
):
    with_address(world.employer)
    apprentice = world.enrolment.apprentice
    standin.learn(apprentice.uln, apprentice.family_name)

    failed_observation(world, world.enrolment, start=ago(40))
    page = send(client, world)
    assert "Queued 1 record" in page.content.decode()
    assert standin.calls == []  # the web request sends nothing: the worker does
    run_worker()
    [create] = standin.calls
    assert (create.method, create.path, create.status) == ("POST", "/api/v1/epa", 200)
    assert [e["epaOutcome"] for e in create.body[0]["epaDetails"]["epas"]] == ["Fail"]
    assert "epaReference" not in create.body[0]
    [(kind, state, reference)] = states(world)
    assert (kind, state) == ("epa_create", "accepted")
    assert reference

    resat(world, world.enrolment, "observation", on=ago(10))
    send(client, world)
    run_worker()
    calls = [(c.method, c.path) for c in standin.calls]
    assert calls == [
        ("POST", "/api/v1/epa"),
        ("PUT", "/api/v1/epa"),
        ("POST", "/api/v1/certificate"),
        ("POST", "/api/v1/certificate/submit"),
    ]
    update, certificate, submit = (c.body[0] for c in standin.calls[1:])
    # The update carries the reference the service gave the first record, and every
    # attempt, newest first; the resit is flagged.
    assert update["epaReference"] == reference
    assert [(e["epaOutcome"], e["resit"]) for e in update["epaDetails"]["epas"]] == [
        ("Pass", True),
        ("Fail", False),
    ]
    assert certificate["learningDetails"]["overallGrade"] == "Pass"
    assert certificate["learningDetails"]["achievementDate"] == ago(10).isoformat()
    assert certificate["postalContact"]["postCode"] == "LS1 4AP"
    assert "epaDetails" not in certificate
    assert submit["certificateReference"] == reference  # the service's certificate reference
    assert [s[:2] for s in states(world)] == [
        ("epa_create", "accepted"),
        ("epa_update", "accepted"),
        ("certificate", "accepted"),
        ("submit", "submitted"),
    ]
    held = standin.held[(int(apprentice.uln), "ST0072")]
    assert (held.status, held.grade, held.latest_outcome) == ("Submitted", "Pass", "Pass")

    # The states on the certificates page and the steps on the enrolment's timeline.
    listing = client.get(reverse("certificates:list")).content.decode()
    assert "Submitted" in listing
    assert f"Reference {reference}" in listing
    timeline = client.get(
        reverse("enrolments:detail", kwargs={"enrolment_id": world.enrolment.pk})
    ).content.decode()
    assert "record was accepted by the assessment service" in timeline
    assert "certificate was submitted to the assessment service" in timeline
    assert f"Certificate reference {reference}" in timeline


def test_a_rejected_record_shows_the_services_messages_and_is_sent_again_once_fixed(
    world, standin: StandIn, client, deliver
):
    with_address(world.employer)
    apprentice = world.enrolment.apprentice
    # The service knows this apprentice under another family name.
    standin.learn(apprentice.uln, "Byron")
    failed_observation(world, world.enrolment, start=ago(30))
    with deliver():
        send(client, world)
    [row] = ServiceRecord.objects.all()
    assert row.state == RecordState.REJECTED
    assert row.messages == ["ULN, FamilyName and Standard not found."]
    page = client.get(reverse("certificates:list") + "?state=rejected").content.decode()
    assert "ULN, FamilyName and Standard not found." in page
    assert "Send again" in page
    # The row's own form carries the page's token and says what it sends again, for whom.
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None
    assert (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{found.group(1)}">'
        f'<input type="hidden" name="record" value="{row.pk}">'
    ) in page
    kind = row.get_kind_display().lower()
    assert f'<span class="govuk-visually-hidden"> {kind} for {apprentice.name}</span>' in page
    event = JourneyEvent.objects.get(enrolment=world.enrolment, action="service_record_rejected")
    assert "ULN, FamilyName and Standard not found." in event.reason

    # Fixed at the service's end (the name corrected there): sent again, accepted.
    standin.learn(apprentice.uln, apprentice.family_name)
    with deliver():
        response = client.post(reverse("certificates:send_again"), {"record": row.pk}, follow=True)
    assert "will be sent again" in response.content.decode()
    row.refresh_from_db()
    assert (row.state, bool(row.reference), row.messages) == ("accepted", True, [])


def test_a_certificate_without_a_postcode_is_refused_before_sending_with_the_services_words(
    world, standin: StandIn, client, deliver
):
    # The employer has no address yet: the certificate request would be refused.
    apprentice = world.enrolment.apprentice
    standin.learn(apprentice.uln, apprentice.family_name)
    from tests.certificates.helpers import released

    released(world, world.enrolment, "pass", start=ago(20))
    with deliver():
        send(client, world)
    rows = {r.kind: r for r in ServiceRecord.objects.all()}
    assert rows["epa_create"].state == RecordState.ACCEPTED
    certificate = rows["certificate"]
    assert certificate.state == RecordState.REJECTED
    assert certificate.messages == [
        "Provide a contact name",
        "Provide an address",
        "Provide a city or town",
        "Provide a postcode",
    ]
    assert certificate.last_error == "Found by OpenEPA's check before sending."
    # Never sent: the stand-in saw the EPA record only; the submit waits behind it.
    assert [c.path for c in standin.calls] == ["/api/v1/epa"]
    assert rows["submit"].state == RecordState.TO_SEND

    # The employer sets the address; the admin sends the request again.
    client.force_login(world.employer_user)
    url = reverse("certificates:postal_contact", kwargs={"enrolment_id": world.enrolment.pk})
    form = {
        "version": 0,
        "contact_name": "Erin Employer",
        "address_line1": "1 Harbour Street",
        "city": "Leeds",
        "postcode": "ls14ap",
    }
    client.post(url, form)
    client.force_login(world.admin)
    with deliver():
        client.post(reverse("certificates:send_again"), {"record": certificate.pk})
    assert [s[:2] for s in states(world)] == [
        ("epa_create", "accepted"),
        ("certificate", "accepted"),
        ("submit", "submitted"),
    ]
    assert standin.calls[1].body[0]["postalContact"]["postCode"] == "LS1 4AP"


def test_no_answer_is_retried_later_with_backoff_and_the_reason_shown(world, standin, settings):
    with_address(world.employer)
    apprentice = world.enrolment.apprentice
    standin.learn(apprentice.uln, apprentice.family_name)
    failed_observation(world, world.enrolment, start=ago(30))
    sending.do_queue_for_service(actor=world.admin, epao_id=world.epao.pk)
    standin.fail_next = 1
    assert send_to_service.call(world.epao.pk) == 0
    [row] = ServiceRecord.objects.all()
    assert (row.state, row.attempts) == ("to_send", 1)
    assert "HTTP 500" in row.last_error
    # The task queued itself again, a minute later (the database backend, as the worker).
    [retry] = DBTaskResult.objects.filter(
        task_path=send_to_service.module_path, status=TaskResultStatus.READY
    )
    assert retry.args_kwargs == {"args": [world.epao.pk], "kwargs": {"attempt": 2}}
    assert retry.run_after is not None
    assert retry.run_after > timezone.now()
    # The next try gets an answer: accepted, tried twice.
    assert send_to_service.call(world.epao.pk, attempt=2) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == ("accepted", 2, "")


def test_a_timeout_is_retried_and_the_last_try_queues_nothing_more(world, standin, settings):
    settings.OPENEPA_ASSESSMENT_SERVICE_TIMEOUT = 1
    settings.OPENEPA_ASSESSMENT_SERVICE_MAX_ATTEMPTS = 2
    with_address(world.employer)
    standin.learn(world.enrolment.apprentice.uln, world.enrolment.apprentice.family_name)
    failed_observation(world, world.enrolment, start=ago(30))
    sending.do_queue_for_service(actor=world.admin, epao_id=world.epao.pk)
    standin.delay = 1.5
    send_to_service.call(world.epao.pk, attempt=2)
    [row] = ServiceRecord.objects.all()
    assert row.state == "to_send"
    assert "No answer" in row.last_error
    assert not DBTaskResult.objects.filter(task_path=send_to_service.module_path).exists()


def test_a_call_refused_whole_rejects_every_record_of_it(world, standin, settings, deliver):
    settings.OPENEPA_ASSESSMENT_SERVICE_KEY = "wrong-key"
    with_address(world.employer)
    failed_observation(world, world.enrolment, start=ago(30))
    with deliver():
        sending.do_queue_for_service(actor=world.admin, epao_id=world.epao.pk)
    [row] = ServiceRecord.objects.all()
    assert row.state == "rejected"
    assert row.messages == ["Access denied due to invalid subscription key."]


def test_running_the_task_twice_sends_each_record_once(world, standin, deliver):
    with_address(world.employer)
    standin.learn(world.enrolment.apprentice.uln, world.enrolment.apprentice.family_name)
    failed_observation(world, world.enrolment, start=ago(30))
    with deliver():
        sending.do_queue_for_service(actor=world.admin, epao_id=world.epao.pk)
    send_to_service.call(world.epao.pk)
    assert len(standin.calls) == 1
    # Queueing again adds nothing: the result is queued already.
    assert sending.do_queue_for_service(actor=world.admin, epao_id=world.epao.pk) == []


def test_a_withdrawal_after_a_fail_is_sent_as_withdrawn(world, standin, deliver):
    from openepa.enrolments.actions import do_withdraw_enrolment

    with_address(world.employer)
    standin.learn(world.enrolment.apprentice.uln, world.enrolment.apprentice.family_name)
    failed_observation(world, world.enrolment, start=ago(30))
    with deliver():
        sending.do_queue_for_service(actor=world.admin, epao_id=world.epao.pk)
    do_withdraw_enrolment(actor=world.admin, enrolment_id=world.enrolment.pk, reason="Left")
    with deliver():
        sending.do_queue_for_service(actor=world.admin, epao_id=world.epao.pk)
    put = standin.calls[-1]
    assert (put.method, put.status) == ("PUT", 200)
    assert [e["epaOutcome"] for e in put.body[0]["epaDetails"]["epas"]] == ["Withdrawn", "Fail"]
    assert standin.held[(int(world.enrolment.apprentice.uln), "ST0072")].latest_outcome == (
        "Withdrawn"
    )


def test_only_the_epaos_admins_send_and_only_when_the_service_is_set_up(world, settings):
    with pytest.raises(ActionRefused, match="Only the EPAO's admins"):
        sending.do_queue_for_service(actor=world.outsider_admin, epao_id=world.epao.pk)
    settings.OPENEPA_ASSESSMENT_SERVICE_URL = ""
    with pytest.raises(ActionRefused, match="connection to the assessment service is not set up"):
        sending.do_queue_for_service(actor=world.admin, epao_id=world.epao.pk)


def test_pages_say_when_the_connection_is_not_set_up(world, client, settings):
    settings.OPENEPA_ASSESSMENT_SERVICE_URL = ""
    with_address(world.employer)
    failed_observation(world, world.enrolment, start=ago(30))
    client.force_login(world.admin)
    listing = client.get(reverse("certificates:list")).content.decode()
    assert "Send to the assessment service" not in listing
    refused = client.post(reverse("certificates:send"), {"epao": world.epao.pk}).content.decode()
    assert "The connection to the assessment service is not set up" in refused
    checked = client.post(reverse("certificates:check"), {"epao": world.epao.pk}, follow=True)
    assert "The connection to the assessment service is not set up" in checked.content.decode()
    assert not ServiceRecord.objects.exists()


def test_another_epaos_admin_cannot_send_a_record_again(world, standin, client, deliver):
    with_address(world.employer)
    failed_observation(world, world.enrolment, start=ago(30))
    with deliver():
        sending.do_queue_for_service(actor=world.admin, epao_id=world.epao.pk)
    [row] = ServiceRecord.objects.all()
    assert row.state == "rejected"  # the stand-in does not know the apprentice
    client.force_login(world.outsider_admin)
    assert client.post(reverse("certificates:send_again"), {"record": row.pk}).status_code == 404
    client.force_login(world.employer_user)
    assert client.post(reverse("certificates:send_again"), {"record": row.pk}).status_code == 404
    row.refresh_from_db()
    assert row.state == "rejected"


def test_an_accepted_record_is_not_sent_again(world, standin, deliver):
    with_address(world.employer)
    standin.learn(world.enrolment.apprentice.uln, world.enrolment.apprentice.family_name)
    failed_observation(world, world.enrolment, start=ago(30))
    with deliver():
        sending.do_queue_for_service(actor=world.admin, epao_id=world.epao.pk)
    [row] = ServiceRecord.objects.all()
    with pytest.raises(ActionRefused, match="was accepted by the service"):
        sending.do_send_again(actor=world.admin, record_id=row.pk)


def test_a_lost_answer_to_a_certificate_request_is_recognised_on_the_next_try(
    world, standin, deliver
):
    """The service took the certificate request but its answer never came: sent again,
    the service says it already exists, with its reference, which is this record's."""
    with_address(world.employer)
    apprentice = world.enrolment.apprentice
    standin.learn(apprentice.uln, apprentice.family_name)
    from tests.certificates.helpers import released

    released(world, world.enrolment, "pass", start=ago(20))
    sending.do_queue_for_service(actor=world.admin, epao_id=world.epao.pk)
    kind, rows, bodies = sending.claim(sending.next_batch(world.epao.pk), timezone.localdate())
    assert kind == "epa_create"
    sending.apply_answer(kind, rows, client.call("POST", "/api/v1/epa", bodies))
    kind, rows, bodies = sending.claim(sending.next_batch(world.epao.pk), timezone.localdate())
    assert kind == "certificate"
    client.call("POST", "/api/v1/certificate", bodies)  # answer lost
    sending.back_to_send(rows, "No answer from the assessment service (timed out)")
    send_to_service.call(world.epao.pk)
    certificate = ServiceRecord.objects.get(kind="certificate")
    assert (certificate.state, certificate.attempts) == ("accepted", 2)
    held = standin.held[(int(apprentice.uln), "ST0072")]
    assert certificate.reference == held.reference
    assert held.status == "Submitted"
