"""The counts the admin home's figures and charts read (issue 15, issue 17 §1) follow every
write, whatever wrote it: the database's triggers move them in the writing transaction, so
after each kind of change they equal a recount of the rows themselves. Graded sheets by
month, method and grade (GradeCount) and by assessor over each twelve months
(AssessorYear); results waiting for release by due date (DueCount); released results by
month and days since gateway (TurnaroundCount). Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count

from openepa.assessments.models import CHARTED, AssessorYear, Attempt, GradeCount
from openepa.cases.models import Case, OpenCaseCount
from openepa.enrolments.models import Enrolment
from openepa.quality.models import IqaSample, OpenSampleCount
from openepa.results.models import DueCount, OverallResult, TurnaroundCount
from tests.results.builders import another_enrolment, submit

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def _months_after(month: date, i: int) -> date:
    index = month.year * 12 + month.month - 1 + i
    return date(index // 12, index % 12 + 1, 1)


def recounted_grades() -> tuple[dict[Any, int], dict[Any, tuple[int, int, int, int]]]:
    """GradeCount's and AssessorYear's rows as counted from the sheets themselves."""
    by_month: dict[Any, int] = defaultdict(int)
    years: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    rows = (
        Attempt.objects.filter(CHARTED)
        .order_by()
        .values_list("enrolment__epao_id", "assessor_id", "assessed_on", "method", "method_grade")
        .annotate(n=Count("pk"))
    )
    for epao, assessor, on, method, grade, n in rows:
        month = on.replace(day=1)
        by_month[epao, month, method, grade] += n
        for i in range(12):
            year = years[epao, assessor, _months_after(month, i)]
            year[0] += n
            year[1 + ("fail", "pass", "distinction").index(grade)] += n
    return dict(by_month), {k: tuple(v) for k, v in years.items()}  # type: ignore[misc]


def kept_grades() -> tuple[dict[Any, int], dict[Any, tuple[int, int, int, int]]]:
    by_month = {
        (e, m, k, g): n
        for e, m, k, g, n in GradeCount.objects.exclude(n=0).values_list(
            "epao_id", "month", "method", "grade", "n"
        )
    }
    years = {
        (e, a, y): (n, f, p, d)
        for e, a, y, n, f, p, d in AssessorYear.objects.exclude(
            n=0, fail=0, passed=0, distinction=0
        ).values_list("epao_id", "assessor_id", "year_to", "n", "fail", "passed", "distinction")
    }
    return by_month, years


def test_the_grade_counts_follow_every_write_of_a_sheet(world):
    day = date(2026, 10, 30)

    def check() -> None:
        assert kept_grades() == recounted_grades()

    sheets = [
        submit(world.enrolment, "showcase", on=day, grade="pass", assessor=world.assessor),
        submit(
            world.enrolment,
            "showcase",
            on=day + timedelta(3),
            grade="fail",
            assessor=world.assessor,
        ),
        submit(
            world.enrolment,
            "discussion",
            on=day,
            grade="distinction",
            assessor=world.second_assessor,
        ),
    ]
    check()
    assert sum(kept_grades()[0].values()) == 3
    first, second, third = sheets
    # An amended grade, another month, another assessor, another method.
    Attempt.objects.filter(pk=first.pk).update(method_grade="distinction")
    check()
    Attempt.objects.filter(pk=first.pk).update(assessed_on=date(2025, 12, 31))
    check()
    Attempt.objects.filter(pk=second.pk).update(
        assessor=world.second_assessor, method="observation"
    )
    check()
    # Back to draft and submitted again; a follow-up and a blank grade are not charted.
    Attempt.objects.filter(pk=second.pk).update(status=Attempt.Status.DRAFT)
    check()
    assert sum(kept_grades()[0].values()) == 2
    Attempt.objects.filter(pk=second.pk).update(status=Attempt.Status.SUBMITTED)
    Attempt.objects.filter(pk=third.pk).update(kind="follow_up")
    check()
    Attempt.objects.filter(pk=third.pk).update(kind="first", method_grade="")
    check()
    Attempt.objects.filter(pk=third.pk).update(method_grade="pass")
    # A full save that changes nothing counted, and a sheet of another enrolment moved.
    third.refresh_from_db()
    third.save()
    check()
    other = another_enrolment(world, 1)
    Attempt.objects.filter(pk=third.pk).update(enrolment=other)
    check()
    # A sheet removed.
    third.judgements.all().delete()
    third.delete()
    check()
    assert sum(kept_grades()[0].values()) == 2


def recounted_results() -> tuple[dict[Any, int], dict[Any, int]]:
    due = {
        (e, d): n
        for e, d, n in OverallResult.objects.filter(
            released_at__isnull=True, superseded_at__isnull=True, due_on__isnull=False
        )
        .order_by()
        .values_list("enrolment__epao_id", "due_on")
        .annotate(n=Count("pk"))
    }
    turnaround: dict[Any, int] = defaultdict(int)
    for epao, released_at, gateway in OverallResult.objects.filter(
        released_at__isnull=False,
        superseded_at__isnull=True,
        enrolment__gateway_accepted_on__isnull=False,
    ).values_list("enrolment__epao_id", "released_at", "enrolment__gateway_accepted_on"):
        assert released_at is not None  # as filtered
        assert gateway is not None
        day = released_at.astimezone(LONDON).date()
        turnaround[epao, day.replace(day=1), (day - gateway).days] += 1
    return due, dict(turnaround)


def kept_results() -> tuple[dict[Any, int], dict[Any, int]]:
    due = {
        (e, d): n for e, d, n in DueCount.objects.exclude(n=0).values_list("epao_id", "due_on", "n")
    }
    turnaround = {
        (e, m, d): n
        for e, m, d, n in TurnaroundCount.objects.exclude(n=0).values_list(
            "epao_id", "month", "days", "n"
        )
    }
    return due, turnaround


def _result(enrolment: Enrolment, **fields: Any) -> OverallResult:
    return OverallResult.objects.create(
        enrolment=enrolment,
        grade="pass",
        methods={},
        last_component_on=date(2026, 10, 1),
        **fields,
    )


def test_the_result_counts_follow_every_write_of_a_result_and_the_gateway_date(world):
    def check() -> None:
        assert kept_results() == recounted_results()

    Enrolment.objects.filter(pk=world.enrolment.pk).update(gateway_accepted_on=date(2026, 8, 3))
    waiting = _result(world.enrolment, due_on=date(2026, 11, 20))
    no_date = _result(world.enrolment)
    # Released just after midnight in London on the 1st: still the previous day in UTC,
    # counted in the month and on the day of London's calendar.
    edge = datetime(2026, 10, 1, 0, 30, tzinfo=LONDON)
    released = _result(world.enrolment, due_on=date(2026, 9, 30), released_at=edge)
    check()
    assert kept_results()[1] == {(world.epao.pk, date(2026, 10, 1), 59): 1}
    # A due date moved, a result released, a release undone, a result superseded.
    OverallResult.objects.filter(pk=waiting.pk).update(due_on=date(2026, 11, 23))
    check()
    OverallResult.objects.filter(pk=no_date.pk).update(due_on=date(2026, 11, 23))
    check()
    assert kept_results()[0] == {(world.epao.pk, date(2026, 11, 23)): 2}
    OverallResult.objects.filter(pk=waiting.pk).update(released_at=edge + timedelta(days=40))
    check()
    OverallResult.objects.filter(pk=released.pk).update(released_at=None)
    check()
    OverallResult.objects.filter(pk=waiting.pk).update(superseded_at=edge + timedelta(days=41))
    check()
    OverallResult.objects.filter(pk=released.pk).update(released_at=edge)
    # The enrolment's gateway date changed, then cleared: its releases move with it.
    Enrolment.objects.filter(pk=world.enrolment.pk).update(gateway_accepted_on=date(2026, 9, 1))
    check()
    Enrolment.objects.filter(pk=world.enrolment.pk).update(gateway_accepted_on=None)
    check()
    assert kept_results()[1] == {}
    Enrolment.objects.filter(pk=world.enrolment.pk).update(gateway_accepted_on=date(2026, 9, 2))
    # A result moved to another enrolment, and results removed.
    other = another_enrolment(world, 1)
    OverallResult.objects.filter(pk=no_date.pk).update(enrolment=other)
    check()
    OverallResult.objects.filter(pk=released.pk).delete()
    OverallResult.objects.filter(pk=no_date.pk).delete()
    check()
    assert kept_results()[0] == {}


def recounted_open() -> tuple[dict[Any, int], dict[Any, int]]:
    """Open cases by EPAO and day raised, open IQA samples by EPAO and London day sampled."""
    cases = {
        (e, d): n
        for e, d, n in Case.objects.filter(state__in=("received", "under_review", "upheld"))
        .order_by()
        .values_list("enrolment__epao_id", "raised_on")
        .annotate(n=Count("pk"))
    }
    samples: dict[Any, int] = defaultdict(int)
    for epao, at in IqaSample.objects.filter(state__in=("queued", "in_review")).values_list(
        "attempt__enrolment__epao_id", "sampled_at"
    ):
        samples[epao, at.astimezone(LONDON).date()] += 1
    return cases, dict(samples)


def kept_open() -> tuple[dict[Any, int], dict[Any, int]]:
    cases = {
        (e, d): n
        for e, d, n in OpenCaseCount.objects.exclude(n=0).values_list("epao_id", "raised_on", "n")
    }
    samples = {
        (e, d): n
        for e, d, n in OpenSampleCount.objects.exclude(n=0).values_list(
            "epao_id", "sampled_on", "n"
        )
    }
    return cases, samples


def test_the_open_case_and_sample_counts_follow_every_write(world):
    """Open enquiries and appeals by day raised (OpenCaseCount), open IQA samples by local
    day sampled (OpenSampleCount)."""

    def check() -> None:
        assert kept_open() == recounted_open()

    def kept() -> tuple[dict[Any, int], dict[Any, int]]:
        return kept_open()

    result = _result(world.enrolment, released_at=datetime(2026, 10, 5, 12, tzinfo=LONDON))
    case = Case.objects.create(
        enrolment=world.enrolment,
        kind="enquiry",
        result=result,
        raised_by=world.admin,
        raised_on=date(2026, 10, 6),
        grounds="A question",
    )
    check()
    assert sum(kept()[0].values()) == 1
    Case.objects.filter(pk=case.pk).update(raised_on=date(2026, 10, 7))
    check()
    Case.objects.filter(pk=case.pk).update(state="under_review")
    check()
    Case.objects.filter(pk=case.pk).update(state="closed")
    check()
    assert kept()[0] == {}
    Case.objects.filter(pk=case.pk).update(state="received")
    other = another_enrolment(world, 1)
    Case.objects.filter(pk=case.pk).update(enrolment=other)
    check()
    Case.objects.filter(pk=case.pk).delete()
    check()

    sheet = submit(world.enrolment, "showcase", on=date(2026, 10, 1), assessor=world.assessor)
    sample = IqaSample.objects.create(attempt=sheet, reason="rate", explanation="Drawn", draw=1)
    # Sampled just after midnight in London: the day before in UTC, counted on London's day.
    IqaSample.objects.filter(pk=sample.pk).update(
        sampled_at=datetime(2026, 10, 2, 0, 30, tzinfo=LONDON)
    )
    check()
    assert kept()[1] == {(world.epao.pk, date(2026, 10, 2)): 1}
    IqaSample.objects.filter(pk=sample.pk).update(state="in_review")
    check()
    IqaSample.objects.filter(pk=sample.pk).update(state="signed_off")
    check()
    assert kept()[1] == {}
    IqaSample.objects.filter(pk=sample.pk).update(state="queued")
    check()
    sample.delete()
    check()
