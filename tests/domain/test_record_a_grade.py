"""The record-a-grade API's view of an EPA (openepa.domain.record_a_grade): grade names,
outcomes, resit/retake flags, the achievement date and batches of at most 25."""

from __future__ import annotations

from datetime import date

import pytest

from openepa.domain.assessment_service import BATCH_LIMIT, latest_as_read
from openepa.domain.grading import AttemptKind, OverallGrade
from openepa.domain.record_a_grade import (
    Sitting,
    achievement_date,
    certificate_grade,
    epa_history,
    epa_outcome,
    in_batches,
    resit_retake,
)

FIRST = frozenset({AttemptKind.FIRST})


@pytest.mark.parametrize(
    ("grade", "certificate", "outcome"),
    [
        (OverallGrade.PASS, "Pass", "Pass"),
        (OverallGrade.DISTINCTION, "Distinction", "Pass"),
        (OverallGrade.FAIL, None, "Fail"),
    ],
)
def test_grades_and_outcomes_in_the_apis_words(grade, certificate, outcome):
    assert certificate_grade(grade) == certificate
    assert epa_outcome(grade) == outcome


def test_an_incomplete_epa_has_no_outcome():
    with pytest.raises(ValueError, match="no outcome yet"):
        epa_outcome(OverallGrade.INCOMPLETE)


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ({AttemptKind.FIRST}, (False, False)),
        ({AttemptKind.FIRST, AttemptKind.RESIT}, (True, False)),
        ({AttemptKind.RETAKE}, (False, True)),
        ({AttemptKind.RESIT, AttemptKind.FOLLOW_UP}, (True, False)),
        ({AttemptKind.FOLLOW_UP}, (False, False)),
    ],
)
def test_resit_and_retake_flags(kinds, expected):
    assert resit_retake(kinds) == expected


def test_fail_then_resit_history_newest_first():
    fail = Sitting(date(2026, 3, 4), OverallGrade.FAIL, FIRST)
    resit = Sitting(date(2026, 5, 6), OverallGrade.PASS, frozenset({AttemptKind.RESIT}))
    assert epa_history([resit, fail]) == [
        {"epaDate": "2026-05-06", "epaOutcome": "Pass", "resit": True, "retake": False},
        {"epaDate": "2026-03-04", "epaOutcome": "Fail", "resit": False, "retake": False},
    ]
    assert achievement_date([fail, resit]) == date(2026, 5, 6)


def test_of_two_sittings_on_one_day_the_later_is_read_as_the_latest():
    """A Fail and its resit's Pass on the same day: the service takes the first EPA of the
    latest date (a stable sort), so the Pass must come first."""
    day = date(2026, 5, 6)
    fail = Sitting(day, OverallGrade.FAIL, FIRST)
    resit = Sitting(day, OverallGrade.PASS, frozenset({AttemptKind.RESIT}))
    history = epa_history([fail, resit])  # release order: the Fail first
    assert [e["epaOutcome"] for e in history] == ["Pass", "Fail"]
    assert latest_as_read(history) == history[0]
    # The other way round (a Pass, then a Fail the same day) reads the Fail as latest.
    assert latest_as_read(epa_history([resit, fail]))["epaOutcome"] == "Fail"  # type: ignore[index]


def test_a_withdrawal_is_the_latest_attempt():
    fail = Sitting(date(2026, 3, 4), OverallGrade.FAIL, FIRST)
    history = epa_history([fail], withdrawn_on=date(2026, 3, 4))
    assert [(e["epaOutcome"], e["epaDate"]) for e in history] == [
        ("Withdrawn", "2026-03-04"),
        ("Fail", "2026-03-04"),
    ]
    assert epa_history([], withdrawn_on=date(2026, 6, 1)) == [
        {"epaDate": "2026-06-01", "epaOutcome": "Withdrawn", "resit": False, "retake": False}
    ]


def test_the_first_sitting_is_never_a_resit():
    only = Sitting(date(2026, 3, 4), OverallGrade.PASS, frozenset({AttemptKind.RESIT}))
    assert epa_history([only])[0]["resit"] is False


def test_a_fail_has_no_achievement_date():
    with pytest.raises(ValueError, match="only a Pass or Distinction"):
        achievement_date([Sitting(date(2026, 3, 4), OverallGrade.FAIL, FIRST)])


@pytest.mark.parametrize(
    ("count", "sizes"),
    [(0, []), (1, [1]), (25, [25]), (26, [25, 1]), (60, [25, 25, 10])],
)
def test_batches_of_at_most_25(count, sizes):
    assert BATCH_LIMIT == 25
    assert [len(b) for b in in_batches(list(range(count)))] == sizes


def test_a_batch_limit_below_one_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        in_batches([1], 0)
