"""access_* helpers for marking sheets. The allocated assessor marks their own sheet; the
EPAO's admins view and amend it. Anyone else gets a 404, the same answer as a missing id,
so nothing leaks whether a booking or a sheet exists (CONTRIBUTING.md)."""

from __future__ import annotations

from django.http import Http404

from openepa.accounts.models import Role, User
from openepa.accounts.roles import is_epao_admin, roles_of
from openepa.assessments.models import Attempt
from openepa.bookings.models import Booking


def is_allocated_assessor(user: User, booking: Booking) -> bool:
    """The booking's assessor, while they still hold the assessor role in the EPAO (a
    removed membership ends their access even to sheets they started)."""
    return booking.assessor_id == user.pk and booking.enrolment.epao_id in roles_of(user).orgs(
        Role.ASSESSOR
    )


def access_booking_sheet(user: User, booking_id: int) -> Booking:
    """The booking whose sheet `user` may open (allocated assessor) or view (EPAO admin)."""
    try:
        booking = Booking.objects.select_related(
            "enrolment__apprentice", "enrolment__standard", "enrolment__policy", "assessor"
        ).get(pk=booking_id)
    except Booking.DoesNotExist:
        raise Http404("No such marking sheet") from None
    if not (is_allocated_assessor(user, booking) or is_epao_admin(user, booking.enrolment.epao_id)):
        raise Http404("No such marking sheet")
    return booking


def access_attempt(user: User, attempt_id: int) -> Attempt:
    """A marking sheet `user` may see, with its booking and enrolment loaded."""
    try:
        attempt = Attempt.objects.select_related(
            "booking__enrolment__apprentice",
            "booking__enrolment__standard",
            "booking__enrolment__policy",
            "booking__assessor",
            "updated_by",
        ).get(pk=attempt_id)
    except Attempt.DoesNotExist:
        raise Http404("No such marking sheet") from None
    booking = attempt.booking
    if not (is_allocated_assessor(user, booking) or is_epao_admin(user, booking.enrolment.epao_id)):
        raise Http404("No such marking sheet")
    return attempt
