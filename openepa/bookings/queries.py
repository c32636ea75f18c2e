"""Pre-scoped reads for planning and bookings, and the grade of a method's latest attempt
as the domain computes it (used to decide whether a resit may be booked)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.assessments.grading import counted_attempts, epa_result, to_domain
from openepa.assessments.models import Attempt
from openepa.bookings.models import Booking, ConflictDeclaration, PlanningMeeting
from openepa.domain.grading import SheetError, grade_method
from openepa.domain.journey import State
from openepa.domain.standard import Grade, Method
from openepa.enrolments.domain_data import modes_of, standard_of
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


def latest_method_grade(enrolment: Enrolment, method: str) -> Grade | None:
    """The grade of the latest *submitted* attempt of a method, or None when there is none
    or it cannot be graded yet (seed 002: a resit re-attempts the method in full, so only
    the latest attempt counts).

    The whole sheet is graded with openepa.domain.sheet.grade_epa so that observation
    criteria carried over to the discussion are resolved (seed 002); if the sheet as a
    whole does not validate, the method's latest attempt is graded on its own."""
    rows = list(counted_attempts(enrolment))
    mine = [r for r in rows if r.method == method]
    if not mine:
        return None
    try:
        graded = epa_result(enrolment, rows).methods.get(Method(method))
        if graded is not None:
            return graded.grade
    except SheetError:
        pass
    latest = to_domain(mine[-1])
    outcomes = {code: j.outcome for code, j in latest.judgements.items()}
    return grade_method(standard_of(enrolment), Method(method), modes_of(enrolment), outcomes).grade


def attempts_of(enrolment: Enrolment, method: str) -> int:
    """Attempts of a method so far (marking sheets of any status)."""
    return Attempt.objects.filter(enrolment=enrolment, method=method).count()


def bookings_of(enrolment: Enrolment) -> QuerySet[Booking]:
    """Every booking of an enrolment, cancelled ones included: the history is kept."""
    return enrolment.bookings.select_related("assessor", "replaces", "created_by").order_by(
        "starts_at", "id"
    )


def live_bookings(enrolment: Enrolment) -> QuerySet[Booking]:
    """Bookings that still stand (booked or completed), not the cancelled ones."""
    return enrolment.bookings.exclude(status=Booking.Status.CANCELLED)


def pending_bookings(enrolment: Enrolment) -> QuerySet[Booking]:
    """Booked and not yet assessed: active, with no submitted marking sheet."""
    return enrolment.bookings.filter(status=Booking.Status.ACTIVE).exclude(
        attempt__status=Attempt.Status.SUBMITTED
    )


def latest_planning_meeting(enrolment: Enrolment) -> PlanningMeeting | None:
    return enrolment.planning_meetings.select_related("recorded_by").first()


def assessors_of(epao_id: int) -> QuerySet[User]:
    """Users holding the assessor role in the EPAO."""
    return (
        get_user_model()
        .objects.filter(memberships__organisation_id=epao_id, memberships__role=Role.ASSESSOR)
        .distinct()
        .order_by("full_name", "email")
    )


def allocated_to(user: Any, *, upcoming_only: bool = False) -> QuerySet[Booking]:
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


def conflicts_of(user: Any) -> QuerySet[ConflictDeclaration]:
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


def enrolments_in_state(user: Any, state: State) -> QuerySet[Enrolment]:
    """The admin's EPAO enrolments in one journey state, for the dashboard."""
    return (
        Enrolment.objects.filter(
            epao_id__in=roles_of(user).orgs(Role.EPAO_ADMIN), state=state.value
        )
        .select_related("apprentice", "employer", "provider")
        .order_by("apprentice__family_name", "apprentice__given_name", "id")
    )
