"""Reads of marking sheets, and the bridge from sheet rows to the domain's grading.

`domain_attempts` and `epa_result` are what the results context grades from: the rules
live in openepa.domain.sheet, never here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from openepa.accounts.models import Role
from openepa.accounts.roles import roles_of
from openepa.assessments.layout import Line, sheet_lines
from openepa.assessments.models import Attempt, Judgement
from openepa.bookings.models import Booking
from openepa.domain.grading import Attempt as DomainAttempt
from openepa.domain.grading import AttemptKind, EpaResult, Outcome
from openepa.domain.grading import Judgement as DomainJudgement
from openepa.domain.policy import Policy
from openepa.domain.sheet import grade_epa
from openepa.domain.standard import InteractionMode, Method, Standard
from openepa.enrolments.models import Enrolment
from openepa.policies.loader import get_policy
from openepa.standards.loader import get_standard

CARRIED = Outcome.CARRIED_OVER.value


def standard_of(enrolment: Enrolment) -> Standard:
    standard = get_standard(enrolment.standard.reference)
    if standard is None:  # the reference rows are loaded from the same files
        raise LookupError(f"no data file for standard {enrolment.standard.reference}")
    return standard


def policy_of(enrolment: Enrolment) -> Policy:
    policy = get_policy(enrolment.policy.code)
    if policy is None:
        raise LookupError(f"no data file for policy {enrolment.policy.code}")
    return policy


def modes_of(enrolment: Enrolment) -> frozenset[InteractionMode]:
    """The apprentice's interaction modes, recorded before the observation (seed 001–003)."""
    modes = set()
    if enrolment.face_to_face:
        modes.add(InteractionMode.FACE_TO_FACE)
    if enrolment.non_facing:
        modes.add(InteractionMode.NON_FACING)
    return frozenset(modes)


def to_domain(attempt: Attempt, judgements: list[Judgement]) -> DomainAttempt:
    """A sheet as the domain reads it. Rows without an outcome are left out, so the domain
    names them as missing."""
    return DomainAttempt(
        method=Method(attempt.method),
        kind=AttemptKind(attempt.kind),
        date=attempt.assessed_on,
        judgements={
            j.criterion_code: DomainJudgement(Outcome(j.outcome), j.attempted, j.note)
            for j in judgements
            if j.outcome
        },
    )


def submitted_attempts(enrolment: Enrolment) -> QuerySet[Attempt]:
    """Submitted sheets in the order they were assessed (then submitted): the order the
    domain reads them in, ties broken by list position."""
    return (
        Attempt.objects.filter(enrolment=enrolment, status=Attempt.Status.SUBMITTED)
        .prefetch_related(Prefetch("judgements", queryset=Judgement.objects.order_by("id")))
        .order_by("assessed_on", "submitted_at", "id")
    )


def domain_attempts(enrolment: Enrolment) -> list[DomainAttempt]:
    """Every submitted attempt of the enrolment with its judgements, in order."""
    return [to_domain(a, list(a.judgements.all())) for a in submitted_attempts(enrolment)]


def epa_result(enrolment: Enrolment) -> EpaResult:
    """The EPA graded by the domain from the submitted sheets (raises SheetError if a
    stored sheet breaks a rule, which submission and amendment prevent)."""
    return grade_epa(
        standard_of(enrolment),
        policy_of(enrolment),
        modes_of(enrolment),
        domain_attempts(enrolment),
    )


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


def draft_sheets_for(user: Any) -> QuerySet[Attempt]:
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


def bookings_to_mark(user: Any) -> QuerySet[Booking]:
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


def recently_submitted_for(user: Any, *, limit: int = 20) -> QuerySet[Attempt]:
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
