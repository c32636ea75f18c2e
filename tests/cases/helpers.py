"""Getting an enrolment to where a request or case can be made, fast: gateway submitted,
a booking on a chosen day, a released result. Other contexts' records are written with
their own actions or, for marking sheets, the results tests' builders."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client

from openepa.bookings.models import Booking
from openepa.cases import actions
from openepa.enrolments.models import Enrolment, JourneyEvent
from openepa.gateway.models import GatewaySubmission
from openepa.results.actions import do_release_results
from openepa.results.models import OverallResult
from tests.personas import World
from tests.results.builders import computed

LONDON = ZoneInfo("Europe/London")
#: Special-category text: every visibility test searches the pages for these.
NEEDS = "Dyslexia diagnosed in 2019 by Dr Okafor"
CIRCUMSTANCES = "Hospital admission for appendicitis on the morning"
GROUNDS = "My father died the week before and the assessor ignored it"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def on(monkeypatch: Any, day: date) -> None:
    """Requests are made on `day` (the actions read today through one function)."""
    monkeypatch.setattr(actions, "today", lambda: day)


def gateway_submitted(world: World, day: date) -> None:
    GatewaySubmission.objects.create(
        enrolment=world.enrolment,
        submitted_by=world.provider_user,
        gateway_date=day,
        english="level_2",
        maths="level_2",
    )
    GatewaySubmission.objects.filter(enrolment=world.enrolment).update(
        submitted_at=datetime.combine(day, time(9), tzinfo=LONDON)
    )


def booking_on(world: World, day: date, *, method: str = "observation") -> Booking:
    Enrolment.objects.filter(pk=world.enrolment.pk).update(state="in_assessment")
    return Booking.objects.create(
        enrolment=world.enrolment,
        method=method,
        starts_at=datetime.combine(day, time(10), tzinfo=LONDON),
        duration_minutes=60,
        assessor=world.assessor,
        created_by=world.admin,
        # Accepted by its assessor (no conflict), so its marking sheet opens.
        no_conflict_confirmed_at=datetime.combine(day, time(8), tzinfo=LONDON),
    )


def released(world: World, grades: dict[str, str]) -> OverallResult:
    result = computed(world, grades)
    return do_release_results(actor=world.admin, result_id=result.pk, expected_version=None)


def page(response: Any) -> str:
    html: str = response.content.decode()
    return html.replace("&#x27;", "'").replace("&quot;", '"')


def timeline_text(world: World) -> str:
    """Everything recorded on the enrolment's timeline (reasons and data)."""
    return " ".join(
        f"{e.action} {e.reason} {e.data}"
        for e in JourneyEvent.objects.filter(enrolment=world.enrolment)
    )
