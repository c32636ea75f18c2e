"""Gateway eligibility (seed 000 §2.1–2.2, seed 002 gateway, seed 003 §2, seed 004 gateway)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from openepa.domain.eligibility import (
    GatewayCase,
    QualificationLevel,
    ShowcaseFormat,
    age_on,
    check_gateway,
)

L1, L2, E3, NONE = (
    QualificationLevel.LEVEL_1,
    QualificationLevel.LEVEL_2,
    QualificationLevel.ENTRY_3,
    QualificationLevel.NONE,
)
ALL_EVIDENCE = frozenset(
    {
        "gateway_meeting_record",
        "employer_sign_off",
        "provider_sign_off",
        "showcase_format_choice",
        "showcase_submission",
    }
)


def case(**changes) -> GatewayCase:
    base = GatewayCase(
        start_date=date(2025, 1, 6),
        date_of_birth=date(2007, 6, 1),  # 17 at the start
        gateway_date=date(2026, 1, 7),  # 366 days later
        english=L1,
        maths=L1,
        english_level_2_attempted=True,
        maths_level_2_attempted=True,
        showcase_format=ShowcaseFormat.REPORT,
        evidence=ALL_EVIDENCE,
    )
    return replace(base, **changes)


def unmet(result) -> set[str]:
    return {r.code for r in result.unmet}


@pytest.mark.parametrize("policy_fixture", ["highfield", "nqual", "gateway_qualifications"])
def test_a_complete_case_is_eligible_under_every_policy(st0072, request, policy_fixture):
    result = check_gateway(st0072, request.getfixturevalue(policy_fixture), case())
    assert result.eligible, [r.reason for r in result.unmet]
    assert result.days_on_programme == 366


@pytest.mark.parametrize(
    ("start", "gateway", "days_ok", "months_ok"),
    [
        (date(2025, 1, 6), date(2026, 1, 7), True, True),  # 366 days
        (date(2025, 1, 6), date(2026, 1, 6), False, True),  # 365 days, 12 months
        (date(2025, 1, 6), date(2026, 1, 5), False, False),  # 364 days, 11 months
        (date(2023, 3, 1), date(2024, 3, 1), True, True),  # 366 days across 29 Feb 2024
        (date(2023, 2, 28), date(2024, 2, 28), False, True),  # 365 days: 12 months is not enough
        (date(2024, 2, 29), date(2025, 3, 1), True, True),  # leap-day start
    ],
)
def test_time_on_programme_needs_366_days_and_12_months(
    st0072, highfield, start, gateway, days_ok, months_ok
):
    result = check_gateway(st0072, highfield, case(start_date=start, gateway_date=gateway))
    assert ("days_on_programme" not in unmet(result)) is days_ok
    assert ("months_on_programme" not in unmet(result)) is months_ok


def test_the_reason_gives_the_numbers(st0072, highfield):
    result = check_gateway(st0072, highfield, case(gateway_date=date(2026, 1, 6)))
    (days,) = [r for r in result.unmet if r.code == "days_on_programme"]
    assert days.reason == "365 days on programme by the gateway date; at least 366 are required"
    # Each figure names the published document it comes from.
    assert days.source == (
        "12 months: Institute for Apprenticeships and Technical Education, “Customer Service "
        "Practitioner (Level 2) assessment plan” (17 January 2017); 366 days: Gateway "
        "Qualifications, “Level 2 Customer Service Practitioner ST0072 EPA standard "
        "specification, version 1.1” (June 2024)"
    )


#: A gateway held before the national English and maths rule of 11 February 2025, when each
#: EPAO's published requirement applied.
BEFORE = {"start_date": date(2023, 1, 6), "gateway_date": date(2024, 1, 8)}


@pytest.mark.parametrize(
    ("policy_fixture", "birth", "english", "maths", "expected_unmet"),
    [
        # Highfield: mandatory for 16–18 at the start, optional for 19+ (seed 002)
        ("highfield", date(2005, 6, 1), NONE, L1, {"english"}),
        ("highfield", date(2004, 1, 6), NONE, NONE, set()),  # 19 on the start day
        ("highfield", date(2004, 1, 7), NONE, NONE, {"english", "maths"}),  # 18 on the start day
        # NQual and Gateway Qualifications: Level 1 whatever the age (seed 004, 000 §2.2)
        ("nqual", date(1990, 1, 1), L1, E3, {"maths"}),
        ("gateway_qualifications", date(1990, 1, 1), NONE, L1, {"english"}),
    ],
)
def test_english_and_maths_by_age_at_start_before_the_national_change(
    st0072, request, policy_fixture, birth, english, maths, expected_unmet
):
    policy = request.getfixturevalue(policy_fixture)
    result = check_gateway(
        st0072, policy, case(**BEFORE, date_of_birth=birth, english=english, maths=maths)
    )
    assert unmet(result) & {"english", "maths"} == expected_unmet


def test_gateway_qualifications_needs_a_level_2_attempt(st0072, gateway_qualifications):
    result = check_gateway(
        st0072,
        gateway_qualifications,
        case(english_level_2_attempted=False, maths_level_2_attempted=False),
    )
    assert unmet(result) == {"english_level_2_attempt", "maths_level_2_attempt"}
    passed_l2 = check_gateway(
        st0072,
        gateway_qualifications,
        case(english=L2, maths=L2, english_level_2_attempted=False, maths_level_2_attempted=False),
    )
    assert passed_l2.eligible


@pytest.mark.parametrize("policy_fixture", ["nqual", "gateway_qualifications"])
def test_ehcp_lowers_the_minimum_to_entry_level_3(st0072, request, policy_fixture):
    policy = request.getfixturevalue(policy_fixture)
    without = check_gateway(st0072, policy, case(english=E3, maths=E3))
    with_plan = check_gateway(st0072, policy, case(english=E3, maths=E3, ehcp=True))
    assert {"english", "maths"} <= unmet(without)
    assert with_plan.eligible, [r.reason for r in with_plan.unmet]


@pytest.mark.parametrize("policy_fixture", ["nqual", "gateway_qualifications"])
def test_bsl_qualification_is_an_alternative_to_english(st0072, request, policy_fixture):
    policy = request.getfixturevalue(policy_fixture)
    result = check_gateway(st0072, policy, case(english=NONE, bsl_qualification=True))
    assert "english" not in unmet(result)
    assert "maths" not in unmet(result)


def test_highfield_is_silent_on_ehcp_so_it_does_not_lower_the_minimum(st0072, highfield):
    result = check_gateway(st0072, highfield, case(english=E3, maths=E3, ehcp=True))
    assert {"english", "maths"} <= unmet(result)


@pytest.mark.parametrize(
    ("policy_fixture", "missing", "expected"),
    [
        ("highfield", "showcase_format_choice", {"showcase_format_choice"}),
        ("highfield", "gateway_meeting_record", {"gateway_meeting_record"}),
        ("nqual", "showcase_submission", {"showcase_submission"}),  # seed 004: showcase at gateway
        ("gateway_qualifications", "employer_sign_off", {"employer_sign_off"}),
        ("gateway_qualifications", "showcase_submission", set()),  # GQ does not take it at gateway
    ],
)
def test_required_evidence_by_policy(st0072, request, policy_fixture, missing, expected):
    policy = request.getfixturevalue(policy_fixture)
    result = check_gateway(st0072, policy, case(evidence=ALL_EVIDENCE - {missing}))
    assert unmet(result) == expected


def test_adjustment_request_form_is_needed_where_relevant(st0072, gateway_qualifications):
    result = check_gateway(st0072, gateway_qualifications, case(adjustment_requested=True))
    assert unmet(result) == {"adjustment_request_form"}


def test_highfield_needs_the_showcase_format_chosen(st0072, highfield):
    assert unmet(check_gateway(st0072, highfield, case(showcase_format=None))) == {
        "showcase_format"
    }


def test_every_unmet_requirement_is_listed_at_once(st0072, gateway_qualifications):
    result = check_gateway(
        st0072,
        gateway_qualifications,
        case(gateway_date=date(2025, 12, 1), english=NONE, maths=NONE, evidence=frozenset()),
    )
    assert unmet(result) == {
        "days_on_programme",
        "months_on_programme",
        "english",
        "maths",
        "gateway_meeting_record",
        "employer_sign_off",
    }
    assert all(r.reason and r.source for r in result.unmet)


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(2007, 6, 1), date(2025, 5, 31), 17),
        (date(2007, 6, 1), date(2025, 6, 1), 18),
        (date(2008, 2, 27), date(2026, 2, 26), 17),
        (date(2008, 2, 29), date(2026, 2, 28), 18),  # leap-day birthdays age on 28 February
    ],
)
def test_age_on(birth, on, age):
    assert age_on(birth, on) == age
