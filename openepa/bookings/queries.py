"""Pre-scoped reads for planning and bookings. What the booking rules need to know of
earlier marking sheets is read by the marking context (openepa.bookings.hooks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.bookings.models import Booking, ConflictDeclaration, PlanningMeeting, PreferredSlot
from openepa.domain.journey import State
from openepa.enrolments.models import Enrolment

BOOKING_RELATED = (
    "enrolment__apprentice",
    "enrolment__employer",
    "enrolment__provider",
    "enrolment__epao",
    "enrolment__policy",
    "enrolment__standard",
    "assessor",
    "replaces",
)


def bookings_of(enrolment: Enrolment) -> QuerySet[Booking]:
    """Every booking of an enrolment, cancelled ones included: the history is kept."""
    return enrolment.bookings.select_related("assessor", "replaces", "created_by").order_by(
        "starts_at", "id"
    )


def live_bookings(enrolment: Enrolment) -> QuerySet[Booking]:
    """Bookings that still stand (booked or completed), not the cancelled ones."""
    return enrolment.bookings.exclude(status=Booking.Status.CANCELLED)


def latest_planning_meeting(enrolment: Enrolment) -> PlanningMeeting | None:
    return enrolment.planning_meetings.select_related("recorded_by").first()


def preferred_slots(enrolment: Enrolment) -> list[PreferredSlot]:
    """The preferred dates and times agreed at the latest planning meeting (issue 16 §5)."""
    meeting = enrolment.planning_meetings.order_by("-held_on", "-id").values("pk")[:1]
    return list(PreferredSlot.objects.filter(meeting__in=meeting).order_by("day", "start", "id"))


def assessors_of(epao_id: int) -> QuerySet[User]:
    """Users holding the assessor role in the EPAO."""
    return (
        get_user_model()
        .objects.filter(memberships__organisation_id=epao_id, memberships__role=Role.ASSESSOR)
        .distinct()
        .order_by("full_name", "email")
    )


def allocated_to(user: User, *, upcoming_only: bool = False) -> QuerySet[Booking]:
    """The assessor's own active bookings in the EPAOs they assess for: unconfirmed first,
    then by start time."""
    epaos = roles_of(user).orgs(Role.ASSESSOR)
    rows = Booking.objects.filter(
        assessor_id=user.pk, enrolment__epao_id__in=epaos, status=Booking.Status.ACTIVE
    )
    if upcoming_only:
        rows = rows.filter(starts_at__gte=timezone.now())
    return (
        rows.select_related(*BOOKING_RELATED)
        .annotate(
            unconfirmed=Case(
                When(no_conflict_confirmed_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("unconfirmed", "starts_at", "id")
    )


def conflicts_of(user: User) -> QuerySet[ConflictDeclaration]:
    return ConflictDeclaration.objects.filter(assessor_id=user.pk).select_related(
        "apprentice", "organisation"
    )


def active_conflicts(assessor_id: int, enrolment: Enrolment) -> list[ConflictDeclaration]:
    """Declarations not withdrawn that name the enrolment's apprentice, employer or provider
    (seed 003 §6: the assessor has no direct relationship with the apprentice)."""
    return list(
        ConflictDeclaration.objects.filter(assessor_id=assessor_id, withdrawn_at__isnull=True)
        .filter(
            Q(apprentice_id=enrolment.apprentice_id)
            | Q(organisation_id__in=[enrolment.employer_id, enrolment.provider_id])
        )
        .select_related("apprentice", "organisation")
    )


def enrolments_in_state(user: User, state: State) -> QuerySet[Enrolment]:
    """The admin's EPAO enrolments in one journey state, for the dashboard."""
    return (
        Enrolment.objects.filter(
            epao_id__in=roles_of(user).orgs(Role.EPAO_ADMIN), state=state.value
        )
        .select_related("apprentice", "employer", "provider")
        .order_by("apprentice__family_name", "apprentice__given_name", "id")
    )


def missed_to_decide(user: User) -> QuerySet[Booking]:
    """The admin's EPAO bookings an assessor recorded as missed, waiting for a decision."""
    return (
        Booking.objects.filter(
            enrolment__epao_id__in=roles_of(user).orgs(Role.EPAO_ADMIN),
            status=Booking.Status.ACTIVE,
        )
        .exclude(outcome="")
        .select_related("enrolment__apprentice", "assessor")
        .order_by("outcome_recorded_at", "id")
    )


@dataclass(frozen=True)
class WeekAhead:
    today: int
    rest_of_week: int


def week_ahead(user: User) -> WeekAhead:
    """The assessor's active bookings today, and from tomorrow to Sunday: one query (the
    index on assessor, status and start)."""
    today = timezone.localdate()
    start = _midnight(today)
    tomorrow = _midnight(today + timedelta(days=1))
    week_end = _midnight(today + timedelta(days=7 - today.weekday()))
    counted = Booking.objects.filter(
        assessor_id=user.pk,
        status=Booking.Status.ACTIVE,
        enrolment__epao_id__in=roles_of(user).orgs(Role.ASSESSOR),
        starts_at__gte=start,
        starts_at__lt=week_end,
    ).aggregate(
        today=Count("pk", filter=Q(starts_at__lt=tomorrow)),
        later=Count("pk", filter=Q(starts_at__gte=tomorrow)),
    )
    return WeekAhead(counted["today"], counted["later"])


def own_upcoming_count(user: User) -> int:
    """The apprentice's own active bookings from now on."""
    apprentice_id = roles_of(user).apprentice_id
    if apprentice_id is None:
        return 0
    return Booking.objects.filter(
        enrolment__apprentice_id=apprentice_id,
        status=Booking.Status.ACTIVE,
        starts_at__gte=timezone.now(),
    ).count()


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
