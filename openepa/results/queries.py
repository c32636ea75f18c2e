"""Reads for results: grading an enrolment's submitted attempts through the domain, the
results an EPAO admin must release, and the released results and resits each party sees.

One place builds the domain attempts (`epa_result_for`), so the result page, the release
action and the dashboards all grade exactly the same way (seed 000 §2.8, 002, 004).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NotRequired, TypedDict

from django.db.models import BooleanField, Case, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.assessments.grading import counted_attempts, epa_result
from openepa.assessments.models import Attempt as AttemptRow
from openepa.domain.grading import (
    AttemptKind,
    EpaResult,
    MethodResult,
    OverallGrade,
    method_result_fields,
)
from openepa.domain.journey import State
from openepa.domain.resits import ResitPlan, resit_plan
from openepa.domain.standard import Grade, Method
from openepa.domain.steps import ResultStep
from openepa.enrolments.domain_data import policy_of, standard_of
from openepa.enrolments.models import Enrolment, JourneyEvent
from openepa.results.models import OverallResult

#: The JourneyEvent an EPAO admin records for exceptional circumstances (seed 000 §4); the
#: bookings context reads it to allow a resit after the window.


def today() -> date:
    return timezone.localdate()


@dataclass(frozen=True)
class GradedEpa:
    result: EpaResult
    #: The attempts graded, in date order.
    attempts: list[AttemptRow]
    #: The attempt whose grade each method carries (the latest of that method).
    counted: dict[Method, AttemptRow]


def graded_epa(enrolment: Enrolment) -> GradedEpa:
    """Grade the enrolment's current attempts. Raises openepa.domain.grading.SheetError
    when the submitted sheets break a rule (e.g. a resit after a Pass)."""
    standard = standard_of(enrolment)
    rows = list(counted_attempts(enrolment))
    result = epa_result(enrolment, rows)
    counted: dict[Method, AttemptRow] = {}
    for method, method_result in result.methods.items():
        # The domain numbers a method's own attempts; a discussion that only judged
        # criteria carried over from the observation is the observation's follow-up.
        own = [
            r
            for r in rows
            if r.method == method.value
            and any(
                (c := standard.criterion(j.criterion_code)) is not None and c.method == method
                for j in r.judgements.all()
            )
        ]
        counted[method] = own[method_result.attempt - 1]
    return GradedEpa(result=result, attempts=rows, counted=counted)


def epa_result_for(enrolment: Enrolment) -> EpaResult:
    """The EPA grade from the enrolment's counted attempts (openepa.assessments.grading)."""
    return graded_epa(enrolment).result


class MethodSnapshot(TypedDict):
    """One method's entry in OverallResult.methods, as `method_snapshot` writes it and the
    result page and documents read it."""

    grade: str | None
    attempt: int
    kind: str
    pass_met: int
    pass_required: int
    distinction_met: int
    distinction_required: int
    reasons: NotRequired[list[str]]
    attempt_id: NotRequired[int]
    assessed_on: str
    feedback: NotRequired[str]


def method_snapshot(result: MethodResult, row: AttemptRow) -> dict[str, object]:
    """One method's entry in OverallResult.methods (JSON)."""
    return {
        **method_result_fields(result),
        "attempt_id": row.pk,
        "assessed_on": row.assessed_on.isoformat(),
        "feedback": row.feedback,
    }


def snapshot_result(row: OverallResult) -> EpaResult:
    """The domain EpaResult as it was computed and (once released) told to the apprentice."""
    methods = {
        Method(name): MethodResult(
            method=Method(name),
            grade=Grade(m["grade"]) if m.get("grade") else None,
            attempt=m["attempt"],
            kind=AttemptKind(m["kind"]),
            pass_met=m["pass_met"],
            pass_required=m["pass_required"],
            distinction_met=m["distinction_met"],
            distinction_required=m["distinction_required"],
            reasons=tuple(m.get("reasons", ())),
        )
        for name, m in row.methods.items()
    }
    passed = tuple(m for m, r in methods.items() if r.grade in {Grade.PASS, Grade.DISTINCTION})
    return EpaResult(
        methods=methods,
        overall=OverallGrade(row.grade),
        capped=row.capped,
        reasons=tuple(row.reasons),
        passed_methods=passed,
    )


def is_overdue(row: OverallResult, on: date | None = None) -> bool:
    """Unreleased after its due date (the due date itself is still in time, seed 004)."""
    return row.released_at is None and row.due_on is not None and (on or today()) > row.due_on


def latest_released(enrolment: Enrolment) -> OverallResult | None:
    return (
        enrolment.results.filter(released_at__isnull=False).order_by("-released_at", "-id").first()
    )


def fail_notified_on(row: OverallResult) -> date | None:
    """When the apprentice was told of this Fail: the date recorded on the enrolment at
    release (it anchors the resit window, seed 000 §4), else the release date itself."""
    if row.grade != Grade.FAIL.value or row.released_at is None:
        return None
    return row.enrolment.fail_notified_on or timezone.localdate(row.released_at)


def plan_for(row: OverallResult, *, on: date | None = None) -> ResitPlan | None:
    """The resit or retake a released Fail leads to, counted from the fail notification
    (seed 000 §4) and the cycle's first attempt (seed 004); None for any other result."""
    notified = fail_notified_on(row)
    if notified is None:
        return None
    return resit_plan(
        snapshot_result(row),
        policy_of(row.enrolment),
        fail_notified=notified,
        first_attempt=row.first_component_on,
        today=on or today(),
    )


def overrides_for(enrolment: Enrolment) -> QuerySet[JourneyEvent]:
    return (
        enrolment.events.filter(action=ResultStep.OVERRIDE_RESIT_WINDOW)
        .select_related("actor")
        .order_by("at")
    )


_RESULT_RELATED = (
    "enrolment__apprentice",
    "enrolment__epao",
    "enrolment__employer",
    "enrolment__provider",
    "enrolment__policy",
    "enrolment__standard",
)


#: What the list of results awaiting release shows of each row: fewer joins than the
#: download's, as the planner's time grows with every table joined (at 100,000 apprentices
#: planning eight tables took longer than reading the page).
LIST_RELATED = ("enrolment__apprentice", "enrolment__policy")


def awaiting_release_for(
    user: User, *, related: tuple[str, ...] = _RESULT_RELATED
) -> QuerySet[OverallResult]:
    """Unreleased results of the admin's EPAOs, overdue first, then by due date (results
    within 10 working days of the last component, seed 004; no date where the policy is
    silent, listed last), with the `related` rows loaded."""
    admin_of = roles_of(user).orgs(Role.EPAO_ADMIN)
    return (
        OverallResult.objects.filter(
            enrolment__epao_id__in=admin_of,
            released_at__isnull=True,
            superseded_at__isnull=True,
        )
        .select_related(*related)
        .annotate(
            overdue=Case(
                When(due_on__lt=today(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        # Overdue first is due date first: an overdue result's date is before any other's.
        # The order is the partial index's (results_unreleased_due_cover), so no sort.
        .order_by(F("due_on").asc(nulls_last=True), "computed_at", "id")
    )


def _parties(user: User, *, admins: bool, via: str = "") -> Q | None:
    """Enrolments the user takes part in as employer, provider or apprentice (and as the
    EPAO's admin when `admins`): the statement of results goes to the apprentice, employer
    and provider (seed 000 §3). `via` is the path to the enrolment from another model
    ("enrolment__"), so the filter applies to a join rather than a subquery."""
    roles = roles_of(user)
    clauses: list[Q] = []
    if admins and roles.has(Role.EPAO_ADMIN):
        clauses.append(Q(**{via + "epao_id__in": roles.orgs(Role.EPAO_ADMIN)}))
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


def released_results_for(user: User) -> QuerySet[OverallResult]:
    """Released results of the employer's or provider's apprentices, or the apprentice's own,
    latest first, with the apprentice (what the home page shows). The parties' filter is on
    the joined enrolment, so the database starts from the party's few enrolments rather than
    from every released result."""
    q = _parties(user, admins=False, via="enrolment__")
    if q is None:
        return OverallResult.objects.none()
    return (
        OverallResult.objects.filter(
            q,
            released_at__isnull=False,
            # A result re-issued after an upheld enquiry or appeal replaces the earlier one.
            superseded_at__isnull=True,
        )
        .select_related("enrolment__apprentice")
        # What the home page shows, and no more: a result's other columns are JSON (its
        # methods, reasons, attempts) decoded for nothing.
        .only(
            "grade",
            "released_at",
            "enrolment__apprentice__given_name",
            "enrolment__apprentice__family_name",
        )
        .order_by("-released_at", "-id")
    )


@dataclass(frozen=True)
class ResitDue:
    enrolment: Enrolment
    result: OverallResult
    plan: ResitPlan


def resits_due(user: User) -> QuerySet[Enrolment]:
    """The enrolments waiting for a resit or retake that the user sees (as the EPAO's admin
    or a party), earliest fail notification first: the resit window counts from it (seed
    000 §4), so this is the order of the deadlines, read from a stored date."""
    q = _parties(user, admins=True)
    if q is None:
        return Enrolment.objects.none()
    return Enrolment.objects.filter(q, state=State.RESIT_DUE.value).order_by(
        F("fail_notified_on").asc(nulls_last=True), "pk"
    )


#: What a resit's plan (plan_for) and the home page's row read of the enrolment: the
#: apprentice's name, the standard's methods, the policy's windows, the day the Fail was
#: told. The enrolment's other columns and its EPAO, employer and provider were loaded for
#: nothing, and loading columns is most of a short list's CPU (benchmarks/page_profile.py).
_RESIT_ENROLMENT = (
    "fail_notified_on",
    "apprentice__given_name",
    "apprentice__family_name",
    "standard__reference",
    "policy__code",
)
#: ... and of its released results (snapshot_result, fail_notified_on, plan_for).
_RESIT_RESULT = (
    "enrolment_id",
    "grade",
    "capped",
    "methods",
    "reasons",
    "released_at",
    "first_component_on",
)


def resits_due_for(user: User, *, on: date | None = None, limit: int = 10) -> list[ResitDue]:
    """The first `limit` enrolments of `resits_due` with the next step's deadline (earliest
    deadline first, none last): the plans are computed for the rows shown only, in a fixed
    number of queries whatever the number waiting."""
    enrolments = (
        resits_due(user)
        .select_related("apprentice", "policy", "standard")
        .only(*_RESIT_ENROLMENT)
        .prefetch_related(
            Prefetch(
                "results",
                queryset=OverallResult.objects.filter(released_at__isnull=False)
                .only(*_RESIT_RESULT)
                .order_by("-released_at", "-id"),
                to_attr="released_results",
            )
        )
    )[:limit]
    due: list[ResitDue] = []
    for enrolment in enrolments:
        released: list[OverallResult] = getattr(enrolment, "released_results", [])
        if not released:
            continue
        row = released[0]
        row.enrolment = enrolment  # already loaded: no query per row
        plan = plan_for(row, on=on)
        if plan is not None:
            due.append(ResitDue(enrolment, row, plan))
    due.sort(key=lambda d: (d.plan.next_deadline is None, d.plan.next_deadline or date.max))
    return due
