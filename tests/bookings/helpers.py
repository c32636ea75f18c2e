"""Helpers for the bookings tests: London times and a journey up to planning."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from openepa.bookings.actions import PlanningDetails, do_book_assessment, do_record_planning_meeting
from openepa.bookings.models import Booking
from openepa.bookings.rules import Proposal
from openepa.domain.eligibility import EVIDENCE
from openepa.enrolments.models import Enrolment
from openepa.gateway.actions import GatewayEvidence, do_accept_gateway, do_submit_gateway
from openepa.gateway.models import GatewaySubmission

LONDON = ZoneInfo("Europe/London")
#: Gateway accepted (and the form sent) on Monday 2 November 2026 in these tests.
ACCEPTED = date(2026, 11, 2)


def at(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def local(moment: datetime) -> str:
    """The value a datetime-local input posts."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def to_planning(world: Any, enrolment: Enrolment | None = None, **planning: Any) -> Enrolment:
    """Through the real actions: gateway submitted and accepted, planning meeting recorded.
    Then the gateway dates are pinned to ACCEPTED so the window rules are deterministic."""
    enrolment = enrolment or world.enrolment
    do_submit_gateway(
        actor=world.provider_user,
        enrolment_id=enrolment.pk,
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
    do_accept_gateway(actor=world.admin, enrolment_id=enrolment.pk)
    Enrolment.objects.filter(pk=enrolment.pk).update(gateway_accepted_on=ACCEPTED)
    GatewaySubmission.objects.filter(enrolment=enrolment).update(
        submitted_at=datetime(2026, 11, 2, 9, 0, tzinfo=LONDON)
    )
    details = {
        "held_on": date(2026, 11, 3),
        "arrangements": "None needed",
        "method_requirements_explained": True,
        "feedback_certification_appeals_explained": True,
        **planning,
    }
    do_record_planning_meeting(
        actor=world.admin, enrolment_id=enrolment.pk, details=PlanningDetails(**details)
    )
    enrolment.refresh_from_db()
    return enrolment


def book_observation(world: Any, starts_at: datetime) -> Booking:
    """The planned apprentice's practical observation (90 minutes, at the employer), booked
    by the admin with the world's assessor."""
    return do_book_assessment(
        actor=world.admin,
        enrolment_id=world.enrolment.pk,
        proposal=Proposal(
            method="observation",
            kind="first",
            starts_at=starts_at,
            duration_minutes=90,
            assessor_id=world.assessor.pk,
            venue="Harbour Bank",
        ),
    )
