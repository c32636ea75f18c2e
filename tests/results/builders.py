"""Builders for the results tests: submitted marking sheets written with the ORM (the
marking pages are another context), enrolment states set directly, and policy variants."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from openepa.assessments.grading import store_sheet_grade
from openepa.assessments.models import Attempt, Judgement
from openepa.bookings.models import Booking
from openepa.domain.grading import Outcome
from openepa.domain.standard import Method
from openepa.enrolments.domain_data import modes_of
from openepa.enrolments.models import Enrolment
from openepa.policies import loader
from openepa.reference.models import Policy
from openepa.results.actions import do_compute_result
from openepa.results.models import OverallResult
from openepa.standards.loader import get_standard
from tests.personas import register
from tests.sheets import outcomes

GQ = "gateway-qualifications"
METHODS = ("showcase", "observation", "discussion")


def use_policy(enrolment: Enrolment, code: str) -> Enrolment:
    """Point the enrolment at another EPAO policy (the EPAO's own policy is not read here)."""
    enrolment.policy = Policy.objects.get(code=code)
    enrolment.save(update_fields=["policy"])
    return enrolment


def set_state(enrolment: Enrolment, state: str) -> Enrolment:
    Enrolment.objects.filter(pk=enrolment.pk).update(state=state)
    enrolment.refresh_from_db()
    return enrolment


def submit(
    enrolment: Enrolment,
    method: str,
    *,
    on: date,
    grade: str = "pass",
    kind: str = "first",
    assessor,
    feedback: str = "",
    overrides: dict[str, Outcome] | None = None,
) -> Attempt:
    """A submitted attempt with a judgement for every applicable criterion, giving `grade`:
    a Fail misses the first pass criterion (attempted, so it is not carried over). `overrides`
    set outcomes last, e.g. a carried-over observation criterion judged in the discussion."""
    standard = get_standard("ST0072")
    assert standard is not None
    m = Method(method)
    marks = outcomes(
        standard,
        m,
        modes_of(enrolment),
        distinction_met=standard.method(m).distinction_required if grade == "distinction" else 0,
    )
    if grade == "fail":
        first_pass = next(iter(marks))
        marks[first_pass] = Outcome.NOT_MET
    marks.update(overrides or {})
    number = enrolment.attempts.filter(method=method).count() + 1
    booking = Booking.objects.create(
        enrolment=enrolment,
        method=method,
        attempt_number=number,
        kind=kind,
        starts_at=timezone.make_aware(datetime.combine(on, time(10))),
        duration_minutes=60,
        assessor=assessor,
        created_by=assessor,
        status=Booking.Status.COMPLETED,
    )
    attempt = Attempt.objects.create(
        enrolment=enrolment,
        booking=booking,
        method=method,
        number=number,
        kind=kind,
        assessor=assessor,
        status=Attempt.Status.SUBMITTED,
        assessed_on=on,
        submitted_at=timezone.now(),
        feedback=feedback,
    )
    Judgement.objects.bulk_create(
        Judgement(
            attempt=attempt,
            criterion_code=code,
            outcome=outcome.value,
            attempted=outcome == Outcome.NOT_MET,
        )
        for code, outcome in marks.items()
    )
    store_sheet_grade(attempt)
    return attempt


def assess(
    enrolment: Enrolment,
    grades: dict[str, str],
    *,
    assessor,
    start: date | None = None,
    kind: str = "first",
    feedback: dict[str, str] | None = None,
) -> list[Attempt]:
    """Submit one attempt per method named in `grades`, a day apart from `start` (default:
    a week ago, so every window is still open), and leave the enrolment awaiting results."""
    first = start or timezone.localdate() - timedelta(days=7)
    attempts = [
        submit(
            enrolment,
            method,
            on=first + timedelta(days=i),
            grade=grades[method],
            kind=kind,
            assessor=assessor,
            feedback=(feedback or {}).get(method, ""),
        )
        for i, method in enumerate(m for m in METHODS if m in grades)
    ]
    set_state(enrolment, "awaiting_results")
    return attempts


def computed(world, grades: dict[str, str], **kwargs) -> OverallResult:
    """Every method assessed as `grades` and the overall result computed."""
    assess(world.enrolment, grades, assessor=world.assessor, **kwargs)
    return do_compute_result(enrolment_id=world.enrolment.pk, actor=world.assessor)


def all_grades(grade: str) -> dict[str, str]:
    return dict.fromkeys(METHODS, grade)


def requiring_iqa(monkeypatch) -> None:
    """Every policy as loaded, but holding results until IQA sign-off."""
    real = loader.get_policy

    def variant(code: str):
        policy = real(code)
        return dataclasses.replace(policy, release_requires_iqa=True) if policy else None

    monkeypatch.setattr(loader, "get_policy", variant)


def another_enrolment(world, n: int) -> Enrolment:
    return register(
        world.provider_user,
        epao=world.epao,
        employer=world.employer,
        provider=world.provider,
        given=f"Apprentice{n}",
        family=f"Number{n}",
    )
