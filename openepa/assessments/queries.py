"""Reads of marking sheets, and the bridge from sheet rows to the domain's grading.

Grading reads go through openepa.assessments.grading; the rules live in openepa.domain."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.assessments.grading import counted_attempts, epa_result, to_domain
from openepa.assessments.layout import Line, sheet_lines
from openepa.assessments.models import Attempt, Judgement
from openepa.bookings.models import Booking
from openepa.domain.grading import Outcome, SheetError, grade_method
from openepa.domain.standard import Grade, InteractionMode, Method, Standard
from openepa.enrolments.domain_data import modes_of, standard_of
from openepa.enrolments.models import Enrolment

CARRIED = Outcome.CARRIED_OVER.value


def open_carry_over(enrolment: Enrolment) -> list[str]:
    """Codes carried over by the latest submitted observation that no submitted discussion
    has judged yet: they go on the next discussion's sheet (seed 002)."""
    source = (
        Attempt.objects.filter(
            enrolment=enrolment, method=Method.OBSERVATION, status=Attempt.Status.SUBMITTED
        )
        .order_by("-assessed_on", "-submitted_at", "-id")
        .first()
    )
    if source is None:
        return []
    carried = list(
        source.judgements.filter(outcome=CARRIED).values_list("criterion_code", flat=True)
    )
    if not carried or _discussion_judgements(source, carried).exists():
        return []
    return carried


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


def pending_bookings(enrolment: Enrolment) -> QuerySet[Booking]:
    """Booked and not yet assessed: active, with no submitted marking sheet."""
    return enrolment.bookings.filter(status=Booking.Status.ACTIVE).exclude(
        attempt__status=Attempt.Status.SUBMITTED
    )


def carry_resolution(observation: Attempt, carried: list[str]) -> dict[str, str]:
    """How the discussion after `observation` judged its carried-over criteria."""
    if not carried:
        return {}
    return dict(
        _discussion_judgements(observation, carried).values_list("criterion_code", "outcome")
    )


def _discussion_judgements(observation: Attempt, codes: list[str]) -> QuerySet[Judgement]:
    return Judgement.objects.filter(
        attempt__enrolment_id=observation.enrolment_id,
        attempt__method=Method.DISCUSSION,
        attempt__status=Attempt.Status.SUBMITTED,
        attempt__assessed_on__gte=observation.assessed_on,
        criterion_code__in=codes,
    ).order_by("attempt__assessed_on", "attempt_id")


def carry_source(discussion: Attempt) -> Attempt | None:
    """The observation whose carried-over criteria this discussion judges."""
    return (
        Attempt.objects.filter(
            enrolment_id=discussion.enrolment_id,
            method=Method.OBSERVATION,
            status=Attempt.Status.SUBMITTED,
            assessed_on__lte=discussion.assessed_on,
        )
        .exclude(pk=discussion.pk)
        .order_by("-assessed_on", "-submitted_at", "-id")
        .first()
    )


# Dashboard lists: each starts from what the user may see and loads what its rows show.

_SHEET_RELATED = ("booking", "enrolment__apprentice")


def draft_sheets_for(user: User) -> QuerySet[Attempt]:
    return (
        Attempt.objects.filter(
            booking__assessor_id=user.pk,
            booking__status=Booking.Status.ACTIVE,
            status=Attempt.Status.DRAFT,
            enrolment__epao_id__in=roles_of(user).orgs(Role.ASSESSOR),
        )
        .select_related(*_SHEET_RELATED)
        .order_by("assessed_on", "id")
    )


def bookings_to_mark(user: User) -> QuerySet[Booking]:
    """Active bookings allocated to the assessor whose sheet is not opened yet: today's and
    upcoming ones, and any past one still unmarked (it would otherwise be forgotten)."""
    return (
        Booking.objects.filter(
            assessor_id=user.pk,
            status=Booking.Status.ACTIVE,
            enrolment__epao_id__in=roles_of(user).orgs(Role.ASSESSOR),
            attempt__isnull=True,
        )
        .select_related("enrolment__apprentice")
        .order_by("starts_at", "id")
    )


def recently_submitted_for(user: User, *, limit: int = 20) -> QuerySet[Attempt]:
    return (
        Attempt.objects.filter(
            status=Attempt.Status.SUBMITTED,
            enrolment__epao_id__in=roles_of(user).orgs(Role.EPAO_ADMIN),
        )
        .select_related(*_SHEET_RELATED, "assessor")
        .order_by("-submitted_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class LoadedSheet:
    """A sheet with what its page needs: the standard's wording of each criterion, its
    judgements, and the other side of any carry-over."""

    attempt: Attempt
    standard: Standard
    modes: frozenset[InteractionMode]
    rows: dict[str, Judgement]
    lines: list[Line]
    #: Discussion judging carried-over criteria: the observation's outcomes.
    source_outcomes: dict[str, str] | None
    #: Observation: how the discussion judged its carried-over criteria.
    resolution: dict[str, str]

    @property
    def outcomes(self) -> dict[str, str]:
        return {code: self.resolution.get(code, row.outcome) for code, row in self.rows.items()}


def load_sheet(attempt: Attempt) -> LoadedSheet:
    enrolment = attempt.booking.enrolment
    standard = standard_of(enrolment)
    method = Method(attempt.method)
    rows = {j.criterion_code: j for j in attempt.judgements.all()}
    lines = sheet_lines(standard, method, rows)
    source_outcomes = None
    if any(line.carried for line in lines):
        source = carry_source(attempt)
        if source is not None:
            source_outcomes = dict(source.judgements.values_list("criterion_code", "outcome"))
    carried = [code for code, row in rows.items() if row.outcome == CARRIED]
    resolution = (
        carry_resolution(attempt, carried) if attempt.status == Attempt.Status.SUBMITTED else {}
    )
    return LoadedSheet(
        attempt, standard, modes_of(enrolment), rows, lines, source_outcomes, resolution
    )
