"""The bridge from stored marking sheets to the domain's grading: which attempts count,
and how a sheet reads as a domain Attempt. The rules themselves live in openepa.domain."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from openepa.assessments.models import Attempt, Judgement
from openepa.domain.grading import Attempt as DomainAttempt
from openepa.domain.grading import AttemptKind, EpaResult, Outcome, grade_method
from openepa.domain.grading import Judgement as DomainJudgement
from openepa.domain.journey import Event
from openepa.domain.sheet import grade_epa
from openepa.domain.standard import Method
from openepa.enrolments.domain_data import modes_of, policy_of, standard_of
from openepa.enrolments.models import Enrolment

#: Data key of a restart_epa JourneyEvent listing the attempts that no longer count.
SUPERSEDED_KEY = "superseded_attempt_ids"


def superseded_attempt_ids(enrolment: Enrolment) -> set[int]:
    """Attempts that no longer count because the whole EPA was taken again after a missed
    resit window (seed 000 §4, seed 004). The restart_epa event lists every attempt the
    enrolment had then; they stay in the history, they are only left out of grading."""
    latest = (
        enrolment.events.filter(action=Event.RESTART_EPA.value)
        .order_by("-at", "-id")
        .values_list("data", flat=True)
        .first()
    )
    return {int(i) for i in latest.get(SUPERSEDED_KEY, [])} if latest else set()


def counted_attempts(enrolment: Enrolment) -> QuerySet[Attempt]:
    """Submitted sheets of the current EPA in the order the domain reads them: assessed
    date, then submission (the domain breaks date ties by list position)."""
    return (
        Attempt.objects.filter(enrolment=enrolment, status=Attempt.Status.SUBMITTED)
        .exclude(pk__in=superseded_attempt_ids(enrolment))
        .prefetch_related(Prefetch("judgements", queryset=Judgement.objects.order_by("id")))
        .order_by("assessed_on", "submitted_at", "id")
    )


def to_domain(attempt: Attempt, judgements: Iterable[Judgement] | None = None) -> DomainAttempt:
    """A sheet as the domain reads it. Rows without an outcome are left out, so the domain
    names them as missing."""
    rows = attempt.judgements.all() if judgements is None else judgements
    return DomainAttempt(
        method=Method(attempt.method),
        kind=AttemptKind(attempt.kind),
        date=attempt.assessed_on,
        judgements={
            j.criterion_code: DomainJudgement(Outcome(j.outcome), j.attempted, j.note)
            for j in rows
            if j.outcome
        },
    )


def domain_attempts(enrolment: Enrolment) -> list[DomainAttempt]:
    return [to_domain(a) for a in counted_attempts(enrolment)]


def grade_attempts(enrolment: Enrolment, attempts: list[DomainAttempt]) -> EpaResult:
    """Grade these attempts under the enrolment's standard, EPAO policy and interaction
    modes (raises SheetError naming the field and rule of a broken sheet)."""
    return grade_epa(standard_of(enrolment), policy_of(enrolment), modes_of(enrolment), attempts)


def epa_result(enrolment: Enrolment, rows: Iterable[Attempt] | None = None) -> EpaResult:
    """The EPA graded by the domain from the counted sheets, or from `rows` when the caller
    already loaded them with counted_attempts (raises SheetError if a stored sheet breaks a
    rule, which submission and amendment prevent)."""
    sheets = counted_attempts(enrolment) if rows is None else rows
    return grade_attempts(enrolment, [to_domain(a) for a in sheets])


def sheet_grade(attempt: Attempt, judgements: Iterable[Judgement] | None = None) -> str:
    """The grade the sheet's own judgements give its method (blank when none follows yet,
    e.g. observation criteria carried over to the discussion), as stored in
    ``Attempt.method_grade``: what the consistency report counts for each decision."""
    rows = attempt.judgements.all() if judgements is None else judgements
    outcomes = {j.criterion_code: Outcome(j.outcome) for j in rows if j.outcome}
    enrolment = attempt.enrolment
    graded = grade_method(
        standard_of(enrolment), Method(attempt.method), modes_of(enrolment), outcomes
    )
    return graded.grade.value if graded.grade is not None else ""


def store_sheet_grade(attempt: Attempt, judgements: Iterable[Judgement] | None = None) -> None:
    """Keep the sheet's method grade (see `sheet_grade`) on the attempt."""
    attempt.method_grade = sheet_grade(attempt, judgements)
    Attempt.objects.filter(pk=attempt.pk).update(method_grade=attempt.method_grade)
