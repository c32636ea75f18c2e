"""The planning meeting (seed 000 §2.3; remote observation checks, seed 002)."""

from __future__ import annotations

from datetime import date, timedelta
from html import unescape

import pytest
from django.utils import timezone

from openepa.bookings.models import PlanningMeeting
from openepa.domain.eligibility import EVIDENCE
from openepa.enrolments.models import JourneyEvent
from openepa.gateway.actions import GatewayEvidence, do_accept_gateway, do_submit_gateway

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(world):
    do_submit_gateway(
        actor=world.provider_user,
        enrolment_id=world.enrolment.pk,
        evidence=GatewayEvidence(
            gateway_date=date(2026, 11, 2),
            english="level_1",
            maths="level_1",
            showcase_format="presentation",
            evidence=tuple(EVIDENCE),
        ),
    )
    do_accept_gateway(actor=world.admin, enrolment_id=world.enrolment.pk)
    world.enrolment.refresh_from_db()
    return world


def _post(world, **overrides):
    world.enrolment.refresh_from_db()
    data = {
        "version": world.enrolment.version,
        # Gateway was accepted today; the meeting follows it and is not in the future.
        "held_on": timezone.localdate().isoformat(),
        "arrangements": "Step-free access to the meeting room",
        "facilities": "Quiet room booked",
        "resources": "Laptop with the CRM",
        "method_requirements_explained": "on",
        "feedback_certification_appeals_explained": "on",
        "observation_setting": "workplace",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def url(world):
    return f"/bookings/enrolments/{world.enrolment.pk}/planning/"


def test_the_admin_records_the_planning_meeting(client, accepted):
    world = accepted
    client.force_login(world.admin)
    assert client.get(url(world)).status_code == 200
    page = client.post(url(world), _post(world))
    assert page.status_code == 302
    world.enrolment.refresh_from_db()
    assert world.enrolment.state == "planning"
    meeting = PlanningMeeting.objects.get()
    assert meeting.facilities == "Quiet room booked"
    assert not meeting.remote_observation_checked
    assert JourneyEvent.objects.filter(action="record_planning_meeting").count() == 1
    html = client.get(f"/bookings/enrolments/{world.enrolment.pk}/").content.decode()
    assert "Step-free access to the meeting room" in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"method_requirements_explained": None},
            "Confirm that each assessment method's requirements were explained.",
        ),
        (
            {"feedback_certification_appeals_explained": None},
            "Confirm that feedback, certification and the appeals process were explained.",
        ),
        ({"arrangements": ""}, "Record the access arrangements agreed"),
        ({"held_on": "2099-01-01"}, "The planning meeting date cannot be in the future."),
        (
            {"held_on": (date.today() - timedelta(days=30)).isoformat()},
            "The planning meeting takes place once gateway is accepted",
        ),
    ],
)
def test_planning_refusals(client, accepted, overrides, message):
    client.force_login(accepted.admin)
    page = client.post(url(accepted), _post(accepted, **overrides))
    assert message in unescape(page.content.decode())
    accepted.enrolment.refresh_from_db()
    assert accepted.enrolment.state == "gateway_accepted"


def test_a_remote_desk_observation_needs_every_check(client, accepted):
    client.force_login(accepted.admin)
    checks = {
        "remote_camera": "on",
        "remote_microphone": "on",
        "remote_screen_sharing": "on",
        "remote_two_way_interaction": "on",
    }
    page = client.post(url(accepted), _post(accepted, observation_setting="remote_desk", **checks))
    assert "A remote observation needs a private room where they will not be disturbed" in unescape(
        page.content.decode()
    )
    page = client.post(
        url(accepted),
        _post(accepted, observation_setting="remote_desk", remote_private_room="on", **checks),
    )
    assert page.status_code == 302
    assert PlanningMeeting.objects.get().remote_observation_checked


def test_a_remote_non_desk_observation_needs_a_camera_person(client, accepted):
    client.force_login(accepted.admin)
    page = client.post(
        url(accepted),
        _post(
            accepted,
            observation_setting="remote_non_desk",
            remote_camera="on",
            remote_microphone="on",
            remote_reliable_internet="on",
        ),
    )
    assert "a workplace representative to act as camera person" in unescape(page.content.decode())


def test_no_planning_meeting_before_gateway_is_accepted(client, world):
    client.force_login(world.admin)
    page = client.post(url(world), _post(world, held_on="2026-11-02"))
    assert "cannot record planning meeting while the enrolment is registered" in unescape(
        page.content.decode()
    )


@pytest.mark.parametrize(
    "persona",
    [
        "provider",
        "employer",
        "assessor",
        "iqa",
        "apprentice",
        "outsider_admin",
        "outsider_assessor",
    ],
)
def test_only_the_epao_admin_plans(client, accepted, persona):
    client.force_login(accepted.personas()[persona])
    assert client.get(url(accepted)).status_code == 404
    assert client.post(url(accepted), _post(accepted)).status_code == 404
    assert not PlanningMeeting.objects.exists()
