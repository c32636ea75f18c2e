"""The planning meeting (seed 000 §2.3; remote observation checks, seed 002)."""

from __future__ import annotations

from datetime import date, time, timedelta
from html import unescape

import pytest
from django.utils import timezone

from openepa.bookings.models import PlanningMeeting, PreferredSlot
from openepa.domain.dates import long_date
from openepa.domain.eligibility import EVIDENCE
from openepa.enrolments.models import JourneyEvent
from openepa.gateway.actions import GatewayEvidence, do_accept_gateway, do_submit_gateway
from tests.forms import with_date_inputs

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
    soon = timezone.localdate() + timedelta(days=14)
    posted = _post(accepted, **_preferred(observation=(soon, "10:00")))
    assert client.post(url(accepted), posted).status_code == 404
    assert not PlanningMeeting.objects.exists()
    assert not PreferredSlot.objects.exists()


# --- preferred dates and times (issue 16 §5) -----------------------------------------


def _preferred(**methods: tuple[date | str | None, str]) -> dict[str, str]:
    """The planning form's preferred date (as a GOV.UK date input) and start per method."""
    data: dict[str, str] = {}
    for method, (day, start) in methods.items():
        data |= with_date_inputs({f"preferred_{method}_day": day}, f"preferred_{method}_day")
        data[f"preferred_{method}_start"] = start
    return data


def test_preferred_dates_are_saved_and_shown_on_the_summary_and_booking_form(client, accepted):
    world = accepted
    client.force_login(world.admin)
    form = client.get(url(world)).content.decode()
    assert "Preferred date for the practical observation" in form
    assert "Preferred start time for the professional discussion" in form
    observation = timezone.localdate() + timedelta(days=14)
    discussion = observation + timedelta(days=2)
    posted = _post(
        world, **_preferred(observation=(observation, "10:00"), discussion=(discussion, ""))
    )
    page = client.post(url(world), posted)
    assert page.status_code == 302, unescape(page.content.decode())[:3000]
    slots = {s.method: (s.day, s.start) for s in PreferredSlot.objects.all()}
    assert slots == {
        "observation": (observation, time(10, 0)),
        "discussion": (discussion, None),
    }
    summary = unescape(client.get(f"/bookings/enrolments/{world.enrolment.pk}/").content.decode())
    assert f"Practical observation: {long_date(observation)}, 10:00" in summary
    assert f"Professional discussion: {long_date(discussion)}" in summary
    booking = unescape(
        client.get(f"/bookings/enrolments/{world.enrolment.pk}/book/").content.decode()
    )
    assert (
        f"Agreed at the planning meeting: practical observation {long_date(observation)}, "
        f"10:00; professional discussion {long_date(discussion)}." in booking
    )


def test_no_preference_is_shown_as_none_agreed(client, accepted):
    client.force_login(accepted.admin)
    assert client.post(url(accepted), _post(accepted)).status_code == 302
    summary = client.get(f"/bookings/enrolments/{accepted.enrolment.pk}/").content.decode()
    assert "None agreed" in summary
    book = client.get(f"/bookings/enrolments/{accepted.enrolment.pk}/book/").content.decode()
    assert "Agreed at the planning meeting" not in book


@pytest.mark.parametrize(
    ("preferred", "message"),
    [
        (
            {"observation": (-1, "")},
            "The preferred date for the practical observation cannot be in the past.",
        ),
        (
            {"discussion": (None, "10:00")},
            "Give the preferred date for the professional discussion as well as its start time",
        ),
        (
            {"showcase": (7, "10:07")},
            "Start times must be on a 5-minute boundary (for example 10:00 or 10:05); 10:07 is not.",
        ),
        (
            {"observation": (7, "25:00")},
            "Enter the preferred start time for the practical observation as a 24-hour time",
        ),
        (
            {"observation": ("2027-02-30", "")},
            "The preferred date for the practical observation must be a real date",
        ),
    ],
)
def test_a_bad_preference_is_refused_and_nothing_is_saved(client, accepted, preferred, message):
    today = timezone.localdate()
    methods = {
        m: (today + timedelta(days=day) if isinstance(day, int) else day, start)
        for m, (day, start) in preferred.items()
    }
    client.force_login(accepted.admin)
    page = client.post(url(accepted), _post(accepted, **_preferred(**methods)))
    assert page.status_code == 200
    assert message in unescape(page.content.decode())
    assert not PlanningMeeting.objects.exists()
    assert not PreferredSlot.objects.exists()
    accepted.enrolment.refresh_from_db()
    assert accepted.enrolment.state == "gateway_accepted"


@pytest.fixture
def nqual_accepted(db):
    """NQual: every EPA activity within 3 months of gateway acceptance (seed 004), accepted
    today."""
    from tests.personas import build_world

    world = build_world("nqual")
    do_submit_gateway(
        actor=world.provider_user,
        enrolment_id=world.enrolment.pk,
        evidence=GatewayEvidence(
            gateway_date=date(2026, 11, 2),
            english="level_2",
            maths="level_2",
            english_level_2_attempted=True,
            maths_level_2_attempted=True,
            showcase_format="report",
            evidence=tuple(c for c in EVIDENCE if c != "showcase_format_choice"),
        ),
    )
    do_accept_gateway(actor=world.admin, enrolment_id=world.enrolment.pk)
    return world


def test_a_preferred_date_outside_the_epa_window_is_refused(client, nqual_accepted):
    world = nqual_accepted
    client.force_login(world.admin)
    late = timezone.localdate() + timedelta(days=120)
    page = client.post(url(world), _post(world, **_preferred(observation=(late, ""))))
    html = unescape(page.content.decode())
    assert (
        "The preferred date for the practical observation must fall inside the EPA window: "
        "the NQual EPA window is 3 months from gateway acceptance" in html
    )
    assert not PlanningMeeting.objects.exists()
    soon = timezone.localdate() + timedelta(days=30)
    page = client.post(url(world), _post(world, **_preferred(observation=(soon, ""))))
    assert page.status_code == 302
    assert PreferredSlot.objects.get().day == soon
