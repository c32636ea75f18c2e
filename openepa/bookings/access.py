"""access_booking: the only way a booking reaches a view. An assessor sees only bookings
allocated to them; an EPAO admin sees their EPAO's. Anything else is a 404, the same answer
as a missing id (DESIGN.md §1: assessors see only bookings allocated to them)."""

from __future__ import annotations

from django.http import Http404

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.bookings.models import Booking
from openepa.bookings.queries import BOOKING_RELATED


def access_booking(user: User, booking_id: int, *, roles: set[Role] | None = None) -> Booking:
    """The booking if `user` may see it through one of `roles` (default: EPAO admin or the
    allocated assessor); else Http404."""
    allowed = roles if roles is not None else {Role.EPAO_ADMIN, Role.ASSESSOR}
    held = roles_of(user)
    if not any(held.has(r) for r in allowed):
        raise Http404("No such booking")
    try:
        booking = Booking.objects.select_related(*BOOKING_RELATED).get(pk=booking_id)
    except Booking.DoesNotExist:
        raise Http404("No such booking") from None
    epao = booking.enrolment.epao_id
    admin = Role.EPAO_ADMIN in allowed and epao in held.orgs(Role.EPAO_ADMIN)
    assessor = (
        Role.ASSESSOR in allowed
        and booking.assessor_id == user.pk
        and epao in held.orgs(Role.ASSESSOR)
    )
    if not (admin or assessor):
        raise Http404("No such booking")
    return booking
