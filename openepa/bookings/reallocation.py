"""Bookings going back to the admin's queue to re-allocate: declined, unanswered for
longer than the policy allows, or whose assessor can no longer take them (standardisation
lapsing before the day, a conflict of interest declared). A flag is a reason on the
booking (`reallocation_reason`); re-allocating (rescheduling to another assessor) makes a
new booking without one.

The daily scan (`sweep`, run with the daily reminders) flags unanswered allocations and
lapsed standardisation; declining and declaring a conflict flag at once. Flagging twice
has one effect: a booking already flagged keeps its first reason."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from openepa.assessors.models import AssessorProfile
from openepa.assessors.queries import attended_dates, facts_of, profiles_with_availability
from openepa.bookings.models import Booking, ConflictDeclaration
from openepa.domain.allocation import last_standardised, standardised_until
from openepa.domain.dates import long_date
from openepa.domain.diary import DEFAULT_RESPONSE_WORKING_DAYS, unanswered_too_long
from openepa.gateway.queries import rules_for

UNANSWERED = "Not accepted or declined"


def upcoming() -> QuerySet[Booking]:
    """Active bookings from today on."""
    today_start = timezone.make_aware(datetime.combine(timezone.localdate(), time()))
    return Booking.objects.filter(status=Booking.Status.ACTIVE, starts_at__gte=today_start)


def _flag(rows: Iterable[Booking], reason: str) -> int:
    now, count = timezone.now(), 0
    for booking in rows:
        if booking.reallocation_reason:
            continue
        booking.reallocation_reason = reason
        booking.flagged_at = now
        booking.save(update_fields=["reallocation_reason", "flagged_at"])
        count += 1
    return count


def flag_booking(booking: Booking, reason: str) -> None:
    """Inside the caller's transaction, on a locked booking."""
    _flag([booking], reason)


def response_working_days(booking: Booking) -> int:
    _, policy = rules_for(booking.enrolment)
    days = policy.response_working_days
    return DEFAULT_RESPONSE_WORKING_DAYS if days is None else days


def flag_for_conflict(declaration: ConflictDeclaration) -> int:
    """The declaring assessor's upcoming bookings with the apprentice, employer or
    provider the declaration names (seed 003 §6)."""
    names = (
        Q(enrolment__apprentice_id=declaration.apprentice_id)
        if declaration.apprentice_id
        else (
            Q(enrolment__employer_id=declaration.organisation_id)
            | Q(enrolment__provider_id=declaration.organisation_id)
        )
    )
    rows = upcoming().filter(names, assessor_id=declaration.assessor_id).select_for_update()
    reason = (
        f"{declaration.assessor} declared a conflict of interest on "
        f"{long_date(timezone.localdate(declaration.declared_at))} (ST0072 assessment plan "
        "(IfATE) — §6): allocate another assessor."
    )
    return _flag(rows, reason)


def flag_unanswered(today: date) -> int:
    """Allocations still awaiting an answer after the policy's working days."""
    count = 0
    rows = upcoming().filter(response=Booking.Response.AWAITING, reallocation_reason="")
    for booking in rows.select_related("enrolment__policy", "enrolment__standard", "assessor"):
        days = response_working_days(booking)
        if unanswered_too_long(timezone.localdate(booking.created_at), today, days):
            count += _flag(
                [booking],
                f"{UNANSWERED} by {booking.assessor} within {days} working days of the allocation.",
            )
    return count


def flag_lapsed(today: date) -> int:
    """Bookings on a day the assessor's standardisation no longer covers (seed 003 §9)."""
    rows = list(upcoming().filter(reallocation_reason="").select_related("enrolment", "assessor"))
    by_pair: dict[tuple[int, int], list[Booking]] = defaultdict(list)
    for booking in rows:
        by_pair[(booking.assessor_id, booking.enrolment.epao_id)].append(booking)
    profiles: dict[tuple[int, int], AssessorProfile] = {
        (p.user_id, p.epao_id): p
        for p in profiles_with_availability().filter(
            user_id__in={a for a, _ in by_pair}, epao_id__in={e for _, e in by_pair}
        )
    }
    attended = attended_dates([p.pk for p in profiles.values()])
    count = 0
    for pair, bookings in by_pair.items():
        profile = profiles.get(pair)
        if profile is None:
            continue
        until = standardised_until(
            last_standardised(facts_of(profile, attended.get(profile.pk, ())), today)
        )
        for booking in bookings:
            day = timezone.localdate(booking.starts_at)
            if until is None or day > until:
                lapse = f"lapses after {long_date(until)}" if until else "has lapsed"
                count += _flag(
                    [booking],
                    f"{booking.assessor}'s standardisation {lapse}, before this assessment "
                    "(ST0072 assessment plan (IfATE) — §9: at least yearly).",
                )
    return count


def sweep(today: date) -> int:
    """The daily scan: how many bookings it flagged."""
    with transaction.atomic():
        return flag_unanswered(today) + flag_lapsed(today)


def queue(epao_ids: frozenset[int]) -> QuerySet[Booking]:
    """The admin's queue: flagged upcoming bookings of these EPAOs, soonest first."""
    return (
        upcoming()
        .filter(enrolment__epao_id__in=epao_ids)
        .exclude(reallocation_reason="")
        .select_related("enrolment__apprentice", "assessor")
        .order_by("starts_at", "id")
    )
