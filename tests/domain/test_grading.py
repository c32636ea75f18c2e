"""Method and overall grading rules, table-driven (seed 000 §2.8, 002, 003 §5, 004)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openepa.domain.grading import (
    Outcome,
    OverallGrade,
    cap_grade,
    grade_method,
    method_grade,
    overall_grade,
    resit_refusal,
)
from openepa.domain.standard import Grade, Level, Method
from tests.sheets import BOTH, F2F, NON_FACING, outcomes

D, P, F = Grade.DISTINCTION, Grade.PASS, Grade.FAIL


@pytest.mark.parametrize(
    ("pass_met", "pass_required", "distinction_met", "distinction_required", "expected"),
    [
        # showcase: 30 pass, 7 of 10 distinction
        (30, 30, 7, 7, D),
        (30, 30, 10, 7, D),
        (30, 30, 6, 7, P),
        (29, 30, 10, 7, F),
        (0, 30, 0, 7, F),
        # observation: every applicable pass criterion, 4 of 5 distinction
        (16, 16, 4, 4, D),
        (16, 16, 3, 4, P),
        (19, 19, 5, 4, D),
        (18, 19, 5, 4, F),
        # discussion: 7 pass, 3 of 4 distinction
        (7, 7, 3, 3, D),
        (7, 7, 2, 3, P),
        (6, 7, 4, 3, F),
    ],
)
def test_method_grade_thresholds(
    pass_met, pass_required, distinction_met, distinction_required, expected
):
    assert (
        method_grade(
            pass_met=pass_met,
            pass_required=pass_required,
            distinction_met=distinction_met,
            distinction_required=distinction_required,
        )
        == expected
    )


@pytest.mark.parametrize(
    ("grades", "expected"),
    [
        ((D, D, D), OverallGrade.DISTINCTION),
        ((D, D, P), OverallGrade.PASS),
        ((P, P, P), OverallGrade.PASS),
        ((D, D, F), OverallGrade.FAIL),
        ((F, F, F), OverallGrade.FAIL),
        ((D, None, D), OverallGrade.INCOMPLETE),
        ((F, None, D), OverallGrade.INCOMPLETE),
        ((), OverallGrade.INCOMPLETE),
    ],
)
def test_overall_grade(grades, expected):
    assert overall_grade(grades) == expected


@pytest.mark.parametrize(
    ("grade", "cap", "expected"),
    [
        (OverallGrade.DISTINCTION, Grade.PASS, OverallGrade.PASS),  # NQual (seed 004)
        (OverallGrade.PASS, Grade.PASS, OverallGrade.PASS),
        (OverallGrade.FAIL, Grade.PASS, OverallGrade.FAIL),
        (OverallGrade.INCOMPLETE, Grade.PASS, OverallGrade.INCOMPLETE),
        (OverallGrade.DISTINCTION, None, OverallGrade.DISTINCTION),  # GQ v1.1, Highfield
    ],
)
def test_cap_grade(grade, cap, expected):
    assert cap_grade(grade, cap) == expected


@pytest.mark.parametrize(
    ("previous", "refused"),
    [(Grade.PASS, True), (Grade.DISTINCTION, True), (None, True), (Grade.FAIL, False)],
)
def test_no_resit_or_retake_to_improve_a_pass(previous, refused):
    assert (resit_refusal(previous) is not None) is refused


@pytest.mark.parametrize(
    ("method", "modes", "pass_required", "distinction_total"),
    [
        (Method.SHOWCASE, F2F, 30, 10),
        (Method.OBSERVATION, F2F, 16, 5),  # S9.4–S9.6 do not apply
        (Method.OBSERVATION, NON_FACING, 16, 5),  # S9.1–S9.3 do not apply
        (Method.OBSERVATION, BOTH, 19, 5),
        (Method.DISCUSSION, BOTH, 7, 4),
    ],
)
def test_applicable_criteria_by_interaction_mode(
    st0072, method, modes, pass_required, distinction_total
):
    assert len(st0072.criteria_for(method, modes, Level.PASS)) == pass_required
    assert len(st0072.criteria_for(method, modes, Level.DISTINCTION)) == distinction_total


@pytest.mark.parametrize(
    ("method", "distinction_met", "expected"),
    [
        (Method.SHOWCASE, 7, D),
        (Method.SHOWCASE, 6, P),
        (Method.OBSERVATION, 4, D),
        (Method.OBSERVATION, 3, P),
        (Method.DISCUSSION, 3, D),
        (Method.DISCUSSION, 2, P),
    ],
)
def test_distinction_boundaries_on_the_real_standard(st0072, method, distinction_met, expected):
    marks = outcomes(st0072, method, F2F, distinction_met=distinction_met)
    assert grade_method(st0072, method, F2F, marks).grade == expected


def test_one_unmet_pass_criterion_fails_and_is_named(st0072):
    marks = outcomes(
        st0072, Method.SHOWCASE, distinction_met=10, overrides={"S12.4": Outcome.NOT_MET}
    )
    result = grade_method(st0072, Method.SHOWCASE, F2F, marks)
    assert result.grade == F
    assert result.pass_met == 29
    assert any("S12.4" in r for r in result.reasons)


def test_not_evidenced_counts_as_not_met(st0072):
    marks = outcomes(st0072, Method.OBSERVATION, overrides={"B16.1": Outcome.NOT_EVIDENCED})
    assert grade_method(st0072, Method.OBSERVATION, F2F, marks).grade == F


def test_criteria_outside_the_modes_are_not_counted(st0072):
    """A face-to-face apprentice passes without the non-facing S9.4–S9.6 (seed 001)."""
    marks = outcomes(st0072, Method.OBSERVATION, F2F)
    assert not {"S9.4", "S9.5", "S9.6"} & marks.keys()
    assert grade_method(st0072, Method.OBSERVATION, F2F, marks).grade == P


def test_pending_carry_over_leaves_the_method_ungraded(st0072):
    marks = outcomes(st0072, Method.OBSERVATION, overrides={"S8.2": Outcome.CARRIED_OVER})
    result = grade_method(st0072, Method.OBSERVATION, F2F, marks)
    assert result.grade is None
    assert "S8.2" in result.reasons[0]


MARKS = st.sampled_from([Outcome.MET, Outcome.NOT_MET, Outcome.NOT_EVIDENCED])
METHODS = st.sampled_from(list(Method))
MODES = st.sampled_from([F2F, NON_FACING, BOTH])


@settings(max_examples=150, deadline=None)
@given(method=METHODS, modes=MODES, data=st.data())
def test_meeting_one_more_criterion_never_lowers_the_grade(st0072, method, modes, data):
    codes = [c.code for c in st0072.criteria_for(method, modes)]
    marks = {code: data.draw(MARKS, label=code) for code in codes}
    flip = data.draw(st.sampled_from(codes), label="flip")
    before = grade_method(st0072, method, modes, marks).grade
    after = grade_method(st0072, method, modes, {**marks, flip: Outcome.MET}).grade
    assert before is not None
    assert after is not None
    assert after.rank >= before.rank


@given(st.lists(st.sampled_from([F, P, D]), min_size=1, max_size=3))
def test_overall_never_exceeds_the_lowest_method_grade(grades):
    overall = overall_grade(grades)
    lowest = min(grades, key=lambda g: g.rank)
    assert Grade(overall.value).rank <= lowest.rank
    assert (overall == OverallGrade.FAIL) == (F in grades)
