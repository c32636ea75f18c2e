"""Pre-scoped reads of adjustments, special considerations and cases. Lists never carry
the special-category details (they are `defer`red, so not even loaded), and start from what
the user may see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from openepa.accounts.models import Membership, Role, User
from openepa.accounts.roles import roles_of
from openepa.assessments.models import Amendment, Attempt
from openepa.bookings.models import Booking
from openepa.cases.models import Case, Decision, ReasonableAdjustment, SpecialConsideration
from openepa.domain.cases import OPEN_CASE_STATES, ConsiderationWindow, special_consideration_timing
from openepa.domain.search import Terms
from openepa.enrolments.domain_data import policy_of
from openepa.enrolments.models import Enrolment, JourneyEvent
from openepa.enrolments.queries import apprentice_matches
from openepa.enrolments.sentences import event_sentence
from openepa.gateway.models import GatewaySubmission
from openepa.results.models import OverallResult

_ENROLMENT = ("enrolment__apprentice", "enrolment__employer", "enrolment__provider")
#: What the admin's lists (home and queue, cases/_tables.html) show of the enrolment: the
#: apprentice only. Joining the employer and provider too added 28 unread columns to each
#: query, and compiling and loading columns is most of a short list's CPU
#: (benchmarks/page_profile.py).
_APPRENTICE = ("enrolment__apprentice",)
#: Special-category fields: never loaded for a list.
_PRIVATE_ADJUSTMENT = ("needs", "late_reason", "decision_reason")
_PRIVATE_CONSIDERATION = ("circumstances", "why_not_rescheduled", "decision_reason")
_PRIVATE_CASE = ("grounds", "decision_reason", "closing_note")


def gateway_submitted_on(enrolment: Enrolment) -> date | None:
    """The day of the enrolment's first gateway submission (seed 000 §5 counts adjustments
    as on time up to it); None before there is one."""
    first = (
        GatewaySubmission.objects.filter(enrolment=enrolment)
        .order_by("submitted_at")
        .values_list("submitted_at", flat=True)
        .first()
    )
    return timezone.localdate(first) if first else None


def connected_people(case: Case) -> dict[int, str]:
    """{user id: how they are connected} for everyone connected to the decision under
    review: the assessors of the attempts a result rests on, whoever released or amended
    it; or whoever decided the adjustment or special consideration (and, for a
    consideration, the booking's assessor)."""
    connected: dict[int, str] = {}
    if case.result is not None:
        attempts = Attempt.objects.filter(pk__in=case.result.attempt_ids)
        for assessor_id, method in attempts.values_list("assessor_id", "method"):
            connected.setdefault(assessor_id, f"they assessed the {method} this result rests on")
        amenders = Amendment.objects.filter(attempt__in=attempts).values_list(
            "amended_by_id", flat=True
        )
        for amender in amenders:
            connected.setdefault(amender, "they amended a marking sheet this result rests on")
        if case.result.released_by_id is not None:
            connected.setdefault(case.result.released_by_id, "they released this result")
        return connected
    item = case.adjustment or case.consideration
    assert item is not None
    if isinstance(item, SpecialConsideration):
        assessor_id = Booking.objects.values_list("assessor_id", flat=True).get(pk=item.booking_id)
        connected[assessor_id] = "they are the assessor of the assessment concerned"
    if item.decided_by_id is not None:
        connected.setdefault(item.decided_by_id, "they made the decision under appeal")
    return connected


def arrangements_for_booking(booking: Booking) -> list[str]:
    """What the assessor should provide at this booking: the approved reasonable
    adjustments' arrangements, never the apprentice's needs or diagnosis (issue 5 §1)."""
    return list(
        ReasonableAdjustment.objects.filter(
            enrolment_id=booking.enrolment_id, state=Decision.APPROVED
        )
        .order_by("decided_at", "id")
        .values_list("arrangement", flat=True)
    )


def arrangements_section(request: HttpRequest, booking: Booking) -> dict[str, object]:
    """The booking page's and marking sheet's section (openepa.bookings.sections): what to
    provide, never the needs behind it (issue 5 §1)."""
    return {"arrangements": arrangements_for_booking(booking)}


def adjustments_of(enrolment: Enrolment) -> QuerySet[ReasonableAdjustment]:
    return (
        enrolment.adjustments.defer(*_PRIVATE_ADJUSTMENT)
        .select_related("requested_by", "requester_organisation")
        .order_by("requested_at", "id")
    )


def considerations_of(enrolment: Enrolment) -> QuerySet[SpecialConsideration]:
    return (
        enrolment.special_considerations.defer(*_PRIVATE_CONSIDERATION)
        .select_related("booking", "requested_by", "requester_organisation")
        .order_by("requested_at", "id")
    )


def cases_of(enrolment: Enrolment) -> QuerySet[Case]:
    return (
        enrolment.cases.defer(*_PRIVATE_CASE)
        .select_related("raised_by", "raiser_organisation", "reviewer")
        .order_by("raised_at", "id")
    )


def bookings_open_for_consideration(enrolment: Enrolment) -> QuerySet[Booking]:
    """The bookings a special consideration may be asked for: not cancelled."""
    return enrolment.bookings.exclude(status=Booking.Status.CANCELLED).order_by("starts_at", "pk")


def consideration_windows(
    enrolment: Enrolment, bookings: Iterable[Booking]
) -> list[tuple[Booking, ConsiderationWindow]]:
    """Each booking with the policy's special-consideration deadlines, as of today (seed 000
    §5)."""
    policy = policy_of(enrolment)
    today = timezone.localdate()
    return [
        (b, special_consideration_timing(timezone.localdate(b.starts_at), today, policy))
        for b in bookings
    ]


@dataclass(frozen=True)
class Subjects:
    results: list[OverallResult]
    adjustments: list[ReasonableAdjustment]
    considerations: list[SpecialConsideration]


def case_subjects(enrolment: Enrolment) -> Subjects:
    """What an enquiry or appeal may be about: released results still standing, and the
    decided adjustments and special considerations (seed 000 §3)."""
    return Subjects(
        results=list(
            enrolment.results.filter(released_at__isnull=False, superseded_at__isnull=True)
        ),
        adjustments=list(adjustments_of(enrolment).exclude(state=Decision.REQUESTED)),
        considerations=list(considerations_of(enrolment).exclude(state=Decision.REQUESTED)),
    )


# The admin's queue and the home-page lists.


def _admin_epaos(user: User) -> frozenset[int]:
    return roles_of(user).orgs(Role.EPAO_ADMIN)


def open_adjustments_for(user: User) -> QuerySet[ReasonableAdjustment]:
    """Requests awaiting the admin's decision, late ones first (seed 000 §5)."""
    return (
        ReasonableAdjustment.objects.filter(
            enrolment__epao_id__in=_admin_epaos(user), state=Decision.REQUESTED
        )
        .defer(*_PRIVATE_ADJUSTMENT)
        .select_related(*_APPRENTICE, "requester_organisation")
        .order_by("-late", "requested_at", "id")
    )


def open_considerations_for(user: User) -> QuerySet[SpecialConsideration]:
    """Requests awaiting the admin's decision, earliest assessment first."""
    return (
        SpecialConsideration.objects.filter(
            enrolment__epao_id__in=_admin_epaos(user), state=Decision.REQUESTED
        )
        .defer(*_PRIVATE_CONSIDERATION)
        .select_related(*_APPRENTICE, "booking")
        .order_by("booking__starts_at", "id")
    )


def open_cases_for(user: User) -> QuerySet[Case]:
    """Enquiries and appeals not yet closed, oldest first."""
    return (
        Case.objects.filter(
            enrolment__epao_id__in=_admin_epaos(user),
            state__in=[s.value for s in OPEN_CASE_STATES],
        )
        .defer(*_PRIVATE_CASE)
        .select_related(*_APPRENTICE, "reviewer")
        .order_by("raised_at", "id")
    )


def _party_enrolments(user: User, via: str = "") -> Q | None:
    """The employer's, provider's or apprentice's own enrolments as a filter; `via` is the
    path to the enrolment from the model filtered ("enrolment__"): a condition on the joined
    enrolment, which the database reads through its own index, rather than a subquery."""
    roles = roles_of(user)
    clauses: list[Q] = []
    if roles.has(Role.EMPLOYER):
        clauses.append(Q(**{via + "employer_id__in": roles.orgs(Role.EMPLOYER)}))
    if roles.has(Role.PROVIDER):
        clauses.append(Q(**{via + "provider_id__in": roles.orgs(Role.PROVIDER)}))
    if roles.is_apprentice:
        clauses.append(Q(**{via + "apprentice_id": roles.apprentice_id}))
    if not clauses:
        return None
    combined = clauses[0]
    for clause in clauses[1:]:
        combined |= clause
    return combined


#: What the parties' home-page lists (cases/_tables.html) show of each row, and nothing
#: else: the apprentice's name, the dates, the state, who asked, the assessment, the
#: reviewer. Loading the whole request, its enrolment, employer and provider (some 60
#: columns a row, none shown) was most of these lists' CPU (benchmarks/page_profile.py);
#: `only` also leaves the special-category fields unread, as `defer` did.
_APPRENTICE_NAME = ("enrolment__apprentice__given_name", "enrolment__apprentice__family_name")
_PARTY_ADJUSTMENT = (
    *_APPRENTICE_NAME,
    "requested_on",
    "late",
    "state",
    "requester_organisation__name",
)
_PARTY_CONSIDERATION = (
    *_APPRENTICE_NAME,
    "requested_on",
    "state",
    "booking__method",
    "booking__starts_at",
)
_PARTY_CASE = (
    *_APPRENTICE_NAME,
    "kind",
    "result_id",
    "adjustment_id",
    "raised_on",
    "state",
    "reviewer__full_name",
    "reviewer__email",
)


def party_open_items(
    user: User, *, limit: int | None = None
) -> dict[str, list[ReasonableAdjustment] | list[SpecialConsideration] | list[Case]]:
    """The open requests and cases of the employer's, provider's or apprentice's own
    enrolments, for their home page (no details): the oldest `limit` of each kind, with
    only the columns the home page shows (_PARTY_ADJUSTMENT and the like)."""
    theirs = _party_enrolments(user, via="enrolment__")
    if theirs is None:
        return {"adjustments": [], "considerations": [], "cases": []}
    return {
        "adjustments": list(
            ReasonableAdjustment.objects.filter(theirs, state=Decision.REQUESTED)
            .select_related(*_APPRENTICE, "requester_organisation")
            .only(*_PARTY_ADJUSTMENT)
            .order_by("requested_at", "id")[:limit]
        ),
        "considerations": list(
            SpecialConsideration.objects.filter(theirs, state=Decision.REQUESTED)
            .select_related(*_APPRENTICE, "booking")
            .only(*_PARTY_CONSIDERATION)
            .order_by("requested_at", "id")[:limit]
        ),
        "cases": list(
            Case.objects.filter(theirs, state__in=[s.value for s in OPEN_CASE_STATES])
            .select_related(*_APPRENTICE, "reviewer")
            .only(*_PARTY_CASE)
            .order_by("raised_at", "id")[:limit]
        ),
    }


def case_history(case: Case) -> list[tuple[JourneyEvent, str]]:
    """The enrolment's events about this case, oldest first, each with its sentence."""
    events = (
        case.enrolment.events.filter(action__startswith="case_", data__case_id=case.pk)
        .select_related("actor")
        .order_by("at", "id")
    )
    name = case.enrolment.apprentice.name
    return [(e, event_sentence(e, name)) for e in events]


def epao_staff(enrolment: Enrolment) -> QuerySet[User]:
    """Who may review or sit on a panel: the EPAO's admins, assessors and IQAs."""
    ids = Membership.objects.filter(
        organisation_id=enrolment.epao_id,
        role__in=[Role.EPAO_ADMIN, Role.ASSESSOR, Role.IQA],
    ).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "email")


def reviews_the_enrolment(user: User, enrolment_id: int) -> bool:
    """Is `user` the reviewer or a panel member of an enquiry or appeal about this
    enrolment (they may open its gateway documents, openepa.gateway.hooks)?"""
    if not getattr(user, "pk", None):
        return False
    return (
        Case.objects.filter(enrolment_id=enrolment_id)
        .filter(Q(reviewer_id=user.pk) | Q(panel__id=user.pk))
        .exists()
    )


def cases_matching(user: User, terms: Terms) -> QuerySet[Case]:
    """The enquiries and appeals of the admin's EPAOs the terms name (the apprentice, or the
    case's number), newest first; no special-category field loaded (header search)."""
    wanted = apprentice_matches(terms, "enrolment__apprentice__")
    if terms.number is not None:
        wanted = Q(pk=terms.number)
    if wanted is None:
        return Case.objects.none()
    # Only what a hit shows (so no special-category field either): with the employer and
    # provider joined and every column read, PostgreSQL spent 2 ms planning five tables and
    # Django as long again building 55 objects for 11 hits (page_profile, "Patel").
    return (
        Case.objects.filter(wanted, enrolment__epao_id__in=_admin_epaos(user))
        .select_related("enrolment__apprentice")
        .only(*CASE_HIT_FIELDS)
        .order_by("-raised_at", "-id")
    )


#: What a header search's hit shows of a case (openepa.web.search).
CASE_HIT_FIELDS = (
    "kind",
    "state",
    "enrolment__apprentice__given_name",
    "enrolment__apprentice__family_name",
)
