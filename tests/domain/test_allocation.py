"""Who may be allocated to an assessment (seed 003 §6, §9), table-tested."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from openepa.domain.allocation import (
    ASSESSMENT_PLAN,
    AssessorFacts,
    Qualification,
    Thresholds,
    Unavailable,
    allocation_refusals,
    last_standardised,
    standardised_until,
)

IAN = AssessorFacts(
    name="Ian Assessor",
    competence_years=3,
    qualification=Qualification.HELD,
    standardised_on=(date(2026, 1, 10),),
)
DAY = date(2026, 12, 14)


@pytest.mark.parametrize(
    ("changes", "on", "remote", "expected"),
    [
        ({}, DAY, False, []),
        ({"competence_years": 2}, DAY, False, []),
        (
            {"competence_years": 1},
            DAY,
            False,
            [
                "Ian Assessor cannot be allocated: 1 year of occupational competence recorded, "
                "fewer than the 2 years the assessment plan requires (ST0072 assessment plan (IfATE) — §6)."
            ],
        ),
        ({"qualification": Qualification.WORKING_TOWARDS}, DAY, False, []),
        ({"qualification": Qualification.EXPERTISE}, DAY, False, []),
        (
            {"qualification": Qualification.NONE},
            DAY,
            False,
            [
                "Ian Assessor cannot be allocated: holds no assessor qualification and is not "
                "working towards one (ST0072 assessment plan (IfATE) — §6: hold or work towards a qualification to "
                "undertake assessment, or have significant expertise in consistent judgements)."
            ],
        ),
        # Exactly 12 months after the last standardisation is still covered...
        ({}, date(2027, 1, 10), False, []),
        # ...the day after is not.
        (
            {},
            date(2027, 1, 11),
            False,
            [
                "Ian Assessor cannot be allocated: last standardisation attended on 10 January "
                "2026, more than 12 months before 11 January 2027 (ST0072 assessment plan (IfATE) — §9: at least yearly)."
            ],
        ),
        (
            {"standardised_on": (date(2025, 5, 3),)},
            DAY,
            False,
            [
                "Ian Assessor cannot be allocated: last standardisation attended on 3 May 2025, "
                "more than 12 months before 14 December 2026 (ST0072 assessment plan (IfATE) — §9: at least yearly)."
            ],
        ),
        # The latest attendance counts.
        ({"standardised_on": (date(2025, 5, 3), date(2026, 6, 1))}, DAY, False, []),
        # An attendance after the assessment did not prepare for it.
        (
            {"standardised_on": (date(2027, 1, 5),)},
            DAY,
            False,
            [
                "Ian Assessor cannot be allocated: has attended no standardisation event on or "
                "before 14 December 2026 (ST0072 assessment plan (IfATE) — §9: standardisation at least every 12 months)."
            ],
        ),
        (
            {"unavailable": (Unavailable(date(2026, 12, 10), date(2026, 12, 20), "Leave"),)},
            DAY,
            False,
            [
                "Ian Assessor cannot be allocated: marked unavailable on 10 December 2026 to "
                "20 December 2026 (Leave)."
            ],
        ),
        (
            {"unavailable": (Unavailable(DAY, DAY),)},
            DAY,
            False,
            ["Ian Assessor cannot be allocated: marked unavailable on 14 December 2026."],
        ),
        ({"unavailable": (Unavailable(date(2026, 12, 15), date(2026, 12, 20)),)}, DAY, False, []),
        ({"remote_capable": False}, DAY, False, []),
        (
            {"remote_capable": False},
            DAY,
            True,
            [
                "Ian Assessor cannot be allocated: not recorded as able to assess remotely, and "
                "this assessment is held remotely (assessor profile)."
            ],
        ),
    ],
)
def test_allocation_refusals(changes, on, remote, expected):
    assert allocation_refusals(replace(IAN, **changes), on=on, remote=remote) == expected


def test_every_reason_is_given_at_once():
    facts = replace(IAN, competence_years=0, qualification=Qualification.NONE, standardised_on=())
    reasons = allocation_refusals(facts, on=DAY)
    assert len(reasons) == 3
    assert "0 years of occupational competence" in reasons[0]


def test_thresholds_come_from_the_assessment_plan():
    assert Thresholds(competence_years=2, standardisation_months=12) == ASSESSMENT_PLAN
    stricter = Thresholds(competence_years=5, standardisation_months=6)
    assert "fewer than the 5 years" in allocation_refusals(IAN, on=DAY, thresholds=stricter)[0]


@pytest.mark.parametrize(
    ("attended", "on", "last", "until"),
    [
        ((), DAY, None, None),
        ((date(2026, 1, 10), date(2025, 1, 1)), DAY, date(2026, 1, 10), date(2027, 1, 10)),
        ((date(2026, 1, 10), date(2027, 1, 1)), DAY, date(2026, 1, 10), date(2027, 1, 10)),
        ((date(2024, 2, 29),), date(2024, 3, 1), date(2024, 2, 29), date(2025, 2, 28)),
    ],
)
def test_last_standardised_and_until(attended, on, last, until):
    facts = replace(IAN, standardised_on=attended)
    assert last_standardised(facts, on) == last
    assert standardised_until(last) == until
