"""Who receives a notice: the audiences of openepa.notifications.kinds resolved to email
addresses for one enrolment. Only active users are written to; an apprentice without a
login is written to at the address recorded at registration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from openepa.accounts.models import Membership, Role
from openepa.bookings.models import Booking
from openepa.enrolments.models import Enrolment
from openepa.notifications.kinds import Audience


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    audience: Audience


def _members(organisation_id: int, role: Role, audience: Audience) -> list[Recipient]:
    rows = (
        Membership.objects.filter(organisation_id=organisation_id, role=role, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    return [Recipient(m.user.email, str(m.user), audience) for m in rows]


def _apprentice(enrolment: Enrolment) -> list[Recipient]:
    apprentice = enrolment.apprentice
    user = apprentice.user
    email = user.email if user is not None and user.is_active else apprentice.email
    return [Recipient(email, apprentice.name, Audience.APPRENTICE)] if email else []


def _booking(data: Mapping[str, object], key: str) -> Booking | None:
    booking_id = data.get(key)
    if not isinstance(booking_id, int):  # the events write the booking's id, or nothing
        return None
    return Booking.objects.select_related("assessor").filter(pk=booking_id).first()


def _assessor(booking: Booking | None) -> list[Recipient]:
    if booking is None or not booking.assessor.is_active:
        return []
    return [Recipient(booking.assessor.email, str(booking.assessor), Audience.ASSESSOR)]


def _previous_assessor(data: Mapping[str, object]) -> list[Recipient]:
    new, old = _booking(data, "booking"), _booking(data, "replaces")
    if new is None or old is None or old.assessor_id == new.assessor_id:
        return []
    return [Recipient(r.email, r.name, Audience.PREVIOUS_ASSESSOR) for r in _assessor(old)]


def resolve(
    audiences: tuple[Audience, ...], enrolment: Enrolment, data: Mapping[str, object]
) -> list[Recipient]:
    """Each address once, in the order of the audiences (someone who is both the employer
    and the provider contact gets one email)."""
    found: list[Recipient] = []
    for audience in audiences:
        match audience:
            case Audience.APPRENTICE:
                found += _apprentice(enrolment)
            case Audience.EMPLOYER:
                found += _members(enrolment.employer_id, Role.EMPLOYER, audience)
            case Audience.PROVIDER:
                found += _members(enrolment.provider_id, Role.PROVIDER, audience)
            case Audience.EPAO_ADMINS:
                found += _members(enrolment.epao_id, Role.EPAO_ADMIN, audience)
            case Audience.ASSESSOR:
                found += _assessor(_booking(data, "booking"))
            case Audience.PREVIOUS_ASSESSOR:
                found += _previous_assessor(data)
    seen: set[str] = set()
    unique = []
    for recipient in found:
        address = recipient.email.lower()
        if address not in seen:
            seen.add(address)
            unique.append(recipient)
    return unique
