"""Grading a whole EPA from a marking sheet: carry-over, resits, caps and refusals
(seed 000 §2.8 and §4, seed 002, seed 004)."""

from __future__ import annotations

from dataclasses import replace as _replace
from datetime import date

import pytest

from openepa.domain.grading import AttemptKind, Outcome, OverallGrade, SheetError
from openepa.domain.policy import MarkingPolicy
from openepa.domain.sheet import grade_epa, method_order_problem, missing_notes
from openepa.domain.standard import Grade
from openepa.policies.loader import all_policies
from tests.sheets import BOTH, DISCUSSION, F2F, OBSERVATION, SHOWCASE, attempt, outcomes

D1, D2, D3, D4 = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4), date(2026, 5, 5)
RESIT = AttemptKind.RESIT
RETAKE = AttemptKind.RETAKE


def distinction_sheet(st0072, modes=F2F):
    return [
        attempt(SHOWCASE, D1, outcomes(st0072, SHOWCASE, modes, distinction_met=7)),
        attempt(OBSERVATION, D2, outcomes(st0072, OBSERVATION, modes, distinction_met=4)),
        attempt(DISCUSSION, D3, outcomes(st0072, DISCUSSION, modes, distinction_met=3)),
    ]


def test_all_three_distinctions_give_a_distinction(st0072, highfield):
    result = grade_epa(st0072, highfield, F2F, distinction_sheet(st0072))
    assert result.overall == OverallGrade.DISTINCTION
    assert not result.capped
    assert {m.value: r.grade for m, r in result.methods.items()} == {
        "showcase": Grade.DISTINCTION,
        "observation": Grade.DISTINCTION,
        "discussion": Grade.DISTINCTION,
    }


def test_one_pass_makes_the_overall_a_pass(st0072, highfield):
    sheet = distinction_sheet(st0072)
    sheet[2] = attempt(DISCUSSION, D3, outcomes(st0072, DISCUSSION, distinction_met=2))
    result = grade_epa(st0072, highfield, F2F, sheet)
    assert result.overall == OverallGrade.PASS
    assert any("discussion achieved a pass" in r for r in result.reasons)


def test_a_missing_method_is_incomplete(st0072, highfield):
    result = grade_epa(st0072, highfield, F2F, distinction_sheet(st0072)[:2])
    assert result.overall == OverallGrade.INCOMPLETE
    assert "no attempt of the discussion yet" in result.reasons


def test_a_failed_method_fails_the_epa(st0072, highfield):
    sheet = distinction_sheet(st0072)
    sheet[0] = attempt(
        SHOWCASE, D1, outcomes(st0072, SHOWCASE, overrides={"K2.1": Outcome.NOT_MET})
    )
    result = grade_epa(st0072, highfield, F2F, sheet)
    assert result.overall == OverallGrade.FAIL
    assert any("showcase was failed" in r for r in result.reasons)


# --- carry-over from the observation to the discussion (seed 002) --------------------------


def carry_sheet(st0072, discussion_marks_for_carried, carried=("S8.2",)):
    obs = outcomes(
        st0072,
        OBSERVATION,
        distinction_met=4,
        overrides=dict.fromkeys(carried, Outcome.CARRIED_OVER),
    )
    disc = outcomes(st0072, DISCUSSION, distinction_met=3, overrides=discussion_marks_for_carried)
    return [
        attempt(SHOWCASE, D1, outcomes(st0072, SHOWCASE, distinction_met=7)),
        attempt(OBSERVATION, D2, obs),
        attempt(DISCUSSION, D3, disc),
    ]


def test_carried_over_criterion_met_in_the_discussion_counts_for_the_observation(st0072, highfield):
    result = grade_epa(st0072, highfield, F2F, carry_sheet(st0072, {"S8.2": Outcome.MET}))
    assert result.methods[OBSERVATION].grade == Grade.DISTINCTION
    assert result.methods[OBSERVATION].pass_met == 16
    assert result.overall == OverallGrade.DISTINCTION


def test_carried_over_criterion_not_met_in_the_discussion_fails_the_observation(st0072, highfield):
    result = grade_epa(st0072, highfield, F2F, carry_sheet(st0072, {"S8.2": Outcome.NOT_MET}))
    assert result.methods[OBSERVATION].grade == Grade.FAIL
    assert result.methods[DISCUSSION].grade == Grade.DISTINCTION
    assert result.overall == OverallGrade.FAIL


def test_carried_over_distinction_criterion_can_lift_the_observation(st0072, highfield):
    obs = outcomes(st0072, OBSERVATION, distinction_met=3, overrides={"S9.8": Outcome.CARRIED_OVER})
    disc = outcomes(st0072, DISCUSSION, distinction_met=3, overrides={"S9.8": Outcome.MET})
    sheet = [attempt(OBSERVATION, D2, obs), attempt(DISCUSSION, D3, disc)]
    assert grade_epa(st0072, highfield, F2F, sheet).methods[OBSERVATION].grade == Grade.DISTINCTION


def test_carry_over_awaiting_the_discussion_is_incomplete(st0072, highfield):
    sheet = carry_sheet(st0072, {"S8.2": Outcome.MET})[:2]
    result = grade_epa(st0072, highfield, F2F, sheet)
    assert result.methods[OBSERVATION].grade is None
    assert result.overall == OverallGrade.INCOMPLETE


def test_criterion_attempted_and_not_met_cannot_be_carried_over(st0072, highfield):
    obs = outcomes(st0072, OBSERVATION, overrides={"S8.2": Outcome.CARRIED_OVER})
    sheet = [attempt(OBSERVATION, D2, obs, attempted=frozenset({"S8.2"}))]
    with pytest.raises(SheetError, match=r"S8.2 was attempted and not met") as err:
        grade_epa(st0072, highfield, F2F, sheet)
    assert err.value.where == "attempts[0].judgements.S8.2"


def test_discussion_may_not_judge_an_observation_criterion_that_was_not_carried_over(
    st0072, highfield
):
    sheet = carry_sheet(st0072, {"S8.2": Outcome.MET, "S8.1": Outcome.MET})
    with pytest.raises(
        SheetError, match=r"S8.1 is a observation criterion that was not carried over"
    ):
        grade_epa(st0072, highfield, F2F, sheet)


def test_carried_over_criterion_must_be_judged_in_the_next_discussion(st0072, highfield):
    sheet = carry_sheet(st0072, {}, carried=("S8.2", "S8.3"))
    sheet[2] = attempt(DISCUSSION, D3, {**outcomes(st0072, DISCUSSION), "S8.2": Outcome.MET})
    with pytest.raises(SheetError, match=r"S8.3 carried over from the observation must be judged"):
        grade_epa(st0072, highfield, F2F, sheet)


@pytest.mark.parametrize(("method", "code"), [(SHOWCASE, "K2.1"), (DISCUSSION, "K1.1")])
def test_only_observation_criteria_can_be_carried_over(st0072, highfield, method, code):
    marks = outcomes(st0072, method, overrides={code: Outcome.CARRIED_OVER})
    with pytest.raises(SheetError, match="only observation criteria can be carried over"):
        grade_epa(st0072, highfield, F2F, [attempt(method, D1, marks)])


def test_carried_criterion_cannot_be_carried_again(st0072, highfield):
    with pytest.raises(SheetError, match="already carried over once"):
        grade_epa(st0072, highfield, F2F, carry_sheet(st0072, {"S8.2": Outcome.CARRIED_OVER}))


# --- validation of the sheet ---------------------------------------------------------------


def test_unknown_criterion(st0072, highfield):
    marks = {**outcomes(st0072, SHOWCASE), "K99.1": Outcome.MET}
    with pytest.raises(SheetError, match="K99.1 is not a criterion of ST0072"):
        grade_epa(st0072, highfield, F2F, [attempt(SHOWCASE, D1, marks)])


def test_criterion_of_another_method(st0072, highfield):
    marks = {**outcomes(st0072, SHOWCASE), "K1.1": Outcome.MET}
    with pytest.raises(SheetError, match="K1.1 is assessed in the discussion, not the showcase"):
        grade_epa(st0072, highfield, F2F, [attempt(SHOWCASE, D1, marks)])


def test_criterion_outside_the_interaction_modes(st0072, highfield):
    marks = {**outcomes(st0072, OBSERVATION), "S9.4": Outcome.MET}
    with pytest.raises(SheetError, match="S9.4 applies only to non_facing roles"):
        grade_epa(st0072, highfield, F2F, [attempt(OBSERVATION, D2, marks)])


def test_applicable_criterion_without_a_judgement(st0072, highfield):
    marks = outcomes(st0072, OBSERVATION, BOTH)
    del marks["S9.5"]
    with pytest.raises(SheetError, match="missing: S9.5"):
        grade_epa(st0072, highfield, BOTH, [attempt(OBSERVATION, D2, marks)])


def test_no_interaction_mode(st0072, highfield):
    with pytest.raises(SheetError, match="at least one interaction mode"):
        grade_epa(st0072, highfield, frozenset(), [])


# --- resits and retakes ------------------------------------------------------------------------


def fail_then_resit(st0072, kind=RESIT):
    failed = outcomes(st0072, SHOWCASE, distinction_met=10, overrides={"S11.1": Outcome.NOT_MET})
    return [
        attempt(SHOWCASE, D1, failed),
        attempt(OBSERVATION, D2, outcomes(st0072, OBSERVATION, distinction_met=5)),
        attempt(DISCUSSION, D3, outcomes(st0072, DISCUSSION, distinction_met=4)),
        attempt(SHOWCASE, D4, outcomes(st0072, SHOWCASE, distinction_met=10), kind=kind),
    ]


@pytest.mark.parametrize(
    ("policy_fixture", "expected", "capped"),
    [
        ("nqual", OverallGrade.PASS, True),  # seed 004: maximum EPA grade of Pass
        (
            "gateway_qualifications",
            OverallGrade.DISTINCTION,
            False,
        ),  # seed 000 v1.1 removed the cap
        ("highfield", OverallGrade.DISTINCTION, False),  # seed 002 states none
    ],
)
@pytest.mark.parametrize("kind", [RESIT, RETAKE])
def test_grade_cap_after_a_resit_or_retake_is_the_policys(
    st0072, request, policy_fixture, expected, capped, kind
):
    policy = request.getfixturevalue(policy_fixture)
    result = grade_epa(st0072, policy, F2F, fail_then_resit(st0072, kind))
    assert result.overall == expected
    assert result.capped is capped
    assert result.methods[SHOWCASE].attempt == 2
    assert result.methods[SHOWCASE].grade == Grade.DISTINCTION
    if capped:
        assert any("capped at pass" in r and "showcase" in r for r in result.reasons)


def test_latest_attempt_counts_even_when_listed_first(st0072, highfield):
    sheet = fail_then_resit(st0072)
    sheet.insert(0, sheet.pop())  # dates decide the order, not the list
    result = grade_epa(st0072, highfield, F2F, sheet)
    assert result.methods[SHOWCASE].attempt == 2
    assert result.overall == OverallGrade.DISTINCTION


def test_failed_resit_keeps_the_epa_failed(st0072, nqual):
    sheet = fail_then_resit(st0072)
    sheet[3] = attempt(
        SHOWCASE, D4, outcomes(st0072, SHOWCASE, overrides={"K3.1": Outcome.NOT_MET}), kind=RETAKE
    )
    assert grade_epa(st0072, nqual, F2F, sheet).overall == OverallGrade.FAIL


def test_no_resit_after_a_pass(st0072, highfield):
    sheet = distinction_sheet(st0072)
    sheet.append(attempt(DISCUSSION, D4, outcomes(st0072, DISCUSSION), kind=RESIT))
    with pytest.raises(SheetError, match="cannot be taken to improve a Pass") as err:
        grade_epa(st0072, highfield, F2F, sheet)
    assert err.value.where == "attempts[3].kind"


def test_first_attempt_must_be_first(st0072, highfield):
    with pytest.raises(SheetError, match="first attempt of the showcase must be 'first'"):
        grade_epa(
            st0072, highfield, F2F, [attempt(SHOWCASE, D1, outcomes(st0072, SHOWCASE), kind=RESIT)]
        )


def test_second_attempt_must_be_a_resit_or_retake(st0072, highfield):
    sheet = fail_then_resit(st0072, kind=AttemptKind.FIRST)
    with pytest.raises(SheetError, match="attempt 2 of the showcase must be a 'resit' or 'retake'"):
        grade_epa(st0072, highfield, F2F, sheet)


def test_observation_resit_with_discussion_follow_up(st0072, highfield):
    """Seed 002: a failed observation is resat, with a 30-minute discussion follow-up for a
    criterion whose situation did not arise; the follow-up is not a discussion attempt."""
    failed = outcomes(st0072, OBSERVATION, overrides={"B18.3": Outcome.NOT_MET})
    resit = outcomes(
        st0072, OBSERVATION, distinction_met=4, overrides={"B18.3": Outcome.CARRIED_OVER}
    )
    sheet = [
        attempt(SHOWCASE, D1, outcomes(st0072, SHOWCASE, distinction_met=7)),
        attempt(OBSERVATION, D2, failed),
        attempt(DISCUSSION, D3, outcomes(st0072, DISCUSSION, distinction_met=3)),
        attempt(OBSERVATION, D4, resit, kind=RESIT),
        attempt(DISCUSSION, D4, {"B18.3": Outcome.MET}),
    ]
    result = grade_epa(st0072, highfield, F2F, sheet)
    assert result.methods[OBSERVATION].attempt == 2
    assert result.methods[OBSERVATION].grade == Grade.DISTINCTION
    assert result.methods[DISCUSSION].attempt == 1
    assert result.overall == OverallGrade.DISTINCTION


FOLLOW_UP = AttemptKind.FOLLOW_UP


def follow_up_sheet(st0072, last):
    failed = outcomes(st0072, OBSERVATION, overrides={"B18.3": Outcome.NOT_MET})
    resit = outcomes(
        st0072, OBSERVATION, distinction_met=4, overrides={"B18.3": Outcome.CARRIED_OVER}
    )
    return [
        attempt(SHOWCASE, D1, outcomes(st0072, SHOWCASE, distinction_met=7)),
        attempt(OBSERVATION, D2, failed),
        attempt(DISCUSSION, D3, outcomes(st0072, DISCUSSION, distinction_met=3)),
        attempt(OBSERVATION, D4, resit, kind=RESIT),
        last,
    ]


@pytest.mark.parametrize("kind", [FOLLOW_UP, AttemptKind.FIRST, RESIT])
def test_a_discussion_judging_only_carried_criteria_is_a_follow_up_whatever_its_kind(
    st0072, highfield, kind
):
    sheet = follow_up_sheet(st0072, attempt(DISCUSSION, D4, {"B18.3": Outcome.MET}, kind=kind))
    result = grade_epa(st0072, highfield, F2F, sheet)
    assert result.methods[OBSERVATION].grade == Grade.DISTINCTION
    assert result.methods[DISCUSSION].attempt == 1
    assert result.overall == OverallGrade.DISTINCTION


@pytest.mark.parametrize(
    ("method", "marks", "rule"),
    [
        (
            OBSERVATION,
            "observation",
            "a 'follow_up' must be a discussion of carried-over observation criteria, not a "
            "observation",
        ),
        (
            SHOWCASE,
            "showcase",
            "a 'follow_up' must be a discussion of carried-over observation criteria, not a "
            "showcase",
        ),
        (
            DISCUSSION,
            "carried_and_own",
            "a 'follow_up' judges only criteria carried over from the observation",
        ),
    ],
)
def test_a_follow_up_is_a_discussion_of_carried_criteria_only(
    st0072, highfield, method, marks, rule
):
    if marks == "carried_and_own":
        judged = {"B18.3": Outcome.MET, **outcomes(st0072, DISCUSSION, distinction_met=3)}
    else:
        judged = outcomes(st0072, method, distinction_met=1)
    sheet = follow_up_sheet(st0072, attempt(method, D4, judged, kind=FOLLOW_UP))
    with pytest.raises(SheetError, match=r"attempts\[4\]\.kind") as error:
        grade_epa(st0072, highfield, F2F, sheet)
    assert error.value.rule.startswith(rule)


def test_a_follow_up_with_nothing_carried_over_is_refused(st0072, highfield):
    sheet = [
        *distinction_sheet(st0072),
        attempt(DISCUSSION, D4, outcomes(st0072, DISCUSSION, distinction_met=3), kind=FOLLOW_UP),
    ]
    with pytest.raises(SheetError, match="judges only criteria carried over") as error:
        grade_epa(st0072, highfield, F2F, sheet)
    assert error.value.where == "attempts[3].kind"


# The order of methods (seed 000 §2.4, seed 002, seed 003 §5): one rule for every door.


@pytest.mark.parametrize(
    ("dated", "expected"),
    [
        ([(OBSERVATION, D2), (DISCUSSION, D3)], None),
        ([(OBSERVATION, D2), (DISCUSSION, D2)], None),  # same day, after it ends
        ([(DISCUSSION, D1), (OBSERVATION, D2)], (0, 1)),
        ([(SHOWCASE, D3), (OBSERVATION, D2), (DISCUSSION, D3)], None),  # showcase is free
        ([(DISCUSSION, D3)], None),  # no observation yet: the booking form asks for one
        # The observation resat after the discussion: the discussion followed attempt 1.
        ([(OBSERVATION, D1), (DISCUSSION, D2), (OBSERVATION, D4)], None),
        ([(OBSERVATION, D3), (OBSERVATION, D4), (DISCUSSION, D2)], (2, 0)),
    ],
)
def test_method_order_problem(st0072, dated, expected):
    assert method_order_problem(st0072, dated) == expected


def test_a_discussion_dated_before_the_observation_is_refused_naming_both_dates(st0072, highfield):
    sheet = distinction_sheet(st0072)
    sheet[2] = _replace(sheet[2], date=date(2026, 3, 1))
    with pytest.raises(SheetError) as refused:
        grade_epa(st0072, highfield, F2F, sheet)
    assert refused.value.where == "attempts[2].date"
    assert "professional discussion on 2026-03-01" in refused.value.rule
    assert "practical observation on 2026-03-03" in refused.value.rule


@pytest.mark.parametrize(
    ("required", "judgements", "missing"),
    [
        (None, {"S1.1": ("met", "Explained the offer clearly."), "S1.2": ("met", " ")}, ["S1.2"]),
        (None, {"S1.1": ("not_met", ""), "S1.2": ("carried_over", "")}, ["S1.1", "S1.2"]),
        (frozenset({"not_met"}), {"S1.1": ("met", ""), "S1.2": ("not_met", "")}, ["S1.2"]),
        (frozenset(), {"S1.1": ("not_met", "")}, []),
    ],
)
def test_missing_notes_follow_the_policy(highfield, required, judgements, missing):
    policy = highfield
    if required is not None:
        policy = _replace(highfield, marking=MarkingPolicy(notes_required_for=required))
    assert missing_notes(policy, judgements) == missing


def test_every_seeded_policy_requires_a_note_for_every_judgement():
    for policy in all_policies().values():
        assert policy.marking.notes_required_for == {o.value for o in Outcome}
