"""The decisions counted by EPAO, assessor, method and grade (DecisionCount) follow every
write of a marking sheet, whatever wrote it: the database's triggers move them in the
writing transaction, so the consistency report's figures are what counting the sheets
gives."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db.models import Count

from openepa.assessments.models import DECISION, Attempt, DecisionCount
from tests.results.builders import submit

pytestmark = pytest.mark.django_db


def counted() -> dict[tuple[int, int, str, str], int]:
    """The decisions counted from the sheets themselves."""
    rows = (
        Attempt.objects.filter(DECISION)
        .order_by()
        .values_list("enrolment__epao_id", "assessor_id", "method", "method_grade")
        .annotate(n=Count("pk"))
    )
    return {(e, a, m, g): n for e, a, m, g, n in rows}


def kept() -> dict[tuple[int, int, str, str], int]:
    rows = DecisionCount.objects.filter(n__gt=0).values_list(
        "epao_id", "assessor_id", "method", "grade", "n"
    )
    return {(e, a, m, g): n for e, a, m, g, n in rows}


def test_the_counts_follow_every_write_of_a_sheet(world):
    day = date(2026, 10, 1)
    sheets = [
        submit(world.enrolment, "showcase", on=day, grade="pass", assessor=world.assessor),
        submit(
            world.enrolment,
            "showcase",
            on=day + timedelta(1),
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
    assert kept() == counted()
    assert sum(kept().values()) == 3
    first, second, third = sheets
    # An amended grade moves one decision from the old grade to the new one.
    Attempt.objects.filter(pk=first.pk).update(method_grade="distinction")
    assert kept() == counted()
    # Back to draft, and submitted again.
    Attempt.objects.filter(pk=second.pk).update(status=Attempt.Status.DRAFT)
    assert kept() == counted()
    assert sum(kept().values()) == 2
    Attempt.objects.filter(pk=second.pk).update(status=Attempt.Status.SUBMITTED)
    # A missed assessment counted as an attempt, and a follow-up, are not decisions.
    Attempt.objects.filter(pk=second.pk).update(missed_reason="Did not attend")
    Attempt.objects.filter(pk=third.pk).update(kind="follow_up")
    assert kept() == counted()
    assert sum(kept().values()) == 1
    Attempt.objects.filter(pk=third.pk).update(kind="first")
    # Another assessor, and a full save that changes nothing counted.
    Attempt.objects.filter(pk=third.pk).update(assessor=world.assessor)
    third.refresh_from_db()
    third.save()
    assert kept() == counted()
    # A sheet removed.
    third.judgements.all().delete()
    third.delete()
    assert kept() == counted()
    assert sum(kept().values()) == 1
