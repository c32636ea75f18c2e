"""What follows a failed EPA under each EPAO's policy (seed 000 §4, seed 002, seed 004)."""

from __future__ import annotations

from datetime import date

import pytest

from openepa.domain.grading import AttemptKind, EpaResult, MethodResult, OverallGrade
from openepa.domain.resits import grade_cap_statement, resit_plan
from openepa.domain.standard import Grade, Method

SHOWCASE, OBSERVATION, DISCUSSION = Method.SHOWCASE, Method.OBSERVATION, Method.DISCUSSION


def epa(**grades: Grade) -> EpaResult:
    methods = {
        Method(name): MethodResult(
            method=Method(name),
            grade=grade,
            attempt=1,
            kind=AttemptKind.FIRST,
            pass_met=0,
            pass_required=0,
            distinction_met=0,
            distinction_required=0,
            reasons=(),
        )
        for name, grade in grades.items()
    }
    if any(g == Grade.FAIL for g in grades.values()):
        overall = OverallGrade.FAIL
    elif all(g == Grade.DISTINCTION for g in grades.values()):
        overall = OverallGrade.DISTINCTION
    else:
        overall = OverallGrade.PASS
    return EpaResult(methods=methods, overall=overall, capped=False, reasons=())


P, D, F = Grade.PASS, Grade.DISTINCTION, Grade.FAIL


@pytest.fixture
def policies(gateway_qualifications, highfield, nqual):
    return {"gq": gateway_qualifications, "highfield": highfield, "nqual": nqual}


# (policy, grades, fail notified, first attempt, today,
#  methods to re-attempt, deadline, all-methods deadline, expired)
CASES = [
    pytest.param(
        "gq",
        {"showcase": P, "observation": F, "discussion": D},
        date(2026, 3, 10),
        date(2026, 2, 2),
        date(2026, 6, 10),
        (OBSERVATION,),
        date(2026, 6, 10),
        None,
        False,
        id="gq: 3 months from the fail notification, last day still in time",
    ),
    pytest.param(
        "gq",
        {"showcase": P, "observation": F, "discussion": D},
        date(2026, 3, 10),
        date(2026, 2, 2),
        date(2026, 6, 11),
        (OBSERVATION,),
        date(2026, 6, 10),
        None,
        True,
        id="gq: the day after the window has expired",
    ),
    pytest.param(
        "gq",
        {"showcase": F, "observation": F, "discussion": P},
        date(2025, 11, 30),
        date(2025, 11, 3),
        date(2026, 1, 5),
        (SHOWCASE, OBSERVATION),
        date(2026, 2, 28),
        None,
        False,
        id="gq: 30 November + 3 months clamps to 28 February",
    ),
    pytest.param(
        "nqual",
        {"showcase": P, "observation": P, "discussion": F},
        date(2026, 3, 20),
        date(2026, 3, 2),
        date(2026, 9, 2),
        (DISCUSSION,),
        None,
        date(2026, 9, 2),
        False,
        id="nqual: all methods within 6 months of the first attempt",
    ),
    pytest.param(
        "nqual",
        {"showcase": P, "observation": P, "discussion": F},
        date(2026, 3, 20),
        date(2026, 3, 2),
        date(2026, 9, 3),
        (DISCUSSION,),
        None,
        date(2026, 9, 2),
        True,
        id="nqual: after 6 months the whole EPA is taken again",
    ),
    pytest.param(
        "nqual",
        {"showcase": P, "observation": P, "discussion": F},
        date(2026, 3, 20),
        None,
        date(2030, 1, 1),
        (DISCUSSION,),
        None,
        None,
        False,
        id="nqual: no first-attempt date, no all-methods deadline",
    ),
    pytest.param(
        "highfield",
        {"showcase": F, "observation": F, "discussion": F},
        date(2026, 3, 20),
        date(2026, 3, 2),
        date(2030, 1, 1),
        (SHOWCASE, OBSERVATION, DISCUSSION),
        None,
        None,
        False,
        id="highfield: silent on deadlines, never expires",
    ),
]


@pytest.mark.parametrize(
    ("code", "grades", "notified", "first", "today", "methods", "deadline", "all_by", "expired"),
    CASES,
)
def test_resit_plan(
    policies, code, grades, notified, first, today, methods, deadline, all_by, expired
):
    plan = resit_plan(
        epa(**grades), policies[code], fail_notified=notified, first_attempt=first, today=today
    )
    assert plan.methods == methods
    assert plan.deadline == deadline
    assert plan.all_methods_deadline == all_by
    assert plan.expired is expired
    assert plan.next_deadline == (deadline or all_by)


@pytest.mark.parametrize("code", ["gq", "highfield", "nqual"])
def test_a_passed_method_is_never_resat(policies, code):
    plan = resit_plan(
        epa(showcase=D, observation=P, discussion=F),
        policies[code],
        fail_notified=date(2026, 3, 20),
        first_attempt=date(2026, 3, 2),
        today=date(2026, 3, 21),
    )
    assert plan.methods == (DISCUSSION,)
    assert plan.passed == (SHOWCASE, OBSERVATION)


@pytest.mark.parametrize("grades", [{"showcase": P, "observation": D, "discussion": D}, {}])
def test_no_resit_after_a_pass_or_without_a_fail(highfield, grades):
    result = epa(**grades) if grades else EpaResult({}, OverallGrade.INCOMPLETE, False, ())
    with pytest.raises(ValueError, match="has no resit or retake; only a Fail does"):
        resit_plan(
            result,
            highfield,
            fail_notified=date(2026, 3, 20),
            first_attempt=None,
            today=date(2026, 3, 21),
        )


@pytest.mark.parametrize(
    ("code", "statement"),
    [
        (
            "nqual",
            "NQual caps the EPA at Pass after a resit or retake (NQual EPA support pack v1.1 — "
            "Re-sit / Re-take)",
        ),
        (
            "gq",
            "no cap: Gateway Qualifications removed it in its EPA specification v1.1 (change log)",
        ),
        (
            "highfield",
            "no cap stated: the Highfield EPA kit says nothing of a grade cap after a resit or retake",
        ),
    ],
)
def test_grade_cap_statement(policies, code, statement):
    assert grade_cap_statement(policies[code]) == statement


@pytest.mark.parametrize(
    ("code", "failed", "checklist", "follow_up"),
    [
        ("highfield", {"observation": F}, True, True),
        ("highfield", {"showcase": F}, True, False),
        ("gq", {"observation": F}, False, False),
        ("nqual", {"observation": F}, False, False),
    ],
)
def test_retake_checklist_and_observation_follow_up(policies, code, failed, checklist, follow_up):
    grades = {"showcase": P, "observation": P, "discussion": P} | failed
    plan = resit_plan(
        epa(**grades),
        policies[code],
        fail_notified=date(2026, 3, 20),
        first_attempt=date(2026, 3, 2),
        today=date(2026, 3, 21),
    )
    assert plan.retake_checklist_required is checklist
    if follow_up:
        assert plan.follow_up_note == (
            "The observation is resat along with an additional 30-minute professional "
            "discussion follow-up if a suitable situation to evidence the criteria did not "
            "occur (Highfield EPA kit — Retake and resit information)"
        )
    else:
        assert plan.follow_up_note is None
