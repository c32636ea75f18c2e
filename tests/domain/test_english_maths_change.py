"""The national English and maths rule of 11 February 2025 as dated policy data (DESIGN.md §3
"Rules that changed after the seeds were written"): each EPAO's published requirement for
gateways up to 10 February 2025, the national rule from the 11th."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from openepa.datafiles import DataFileError
from openepa.domain.eligibility import (
    GatewayCase,
    QualificationLevel,
    ShowcaseFormat,
    check_gateway,
)
from openepa.domain.in_force import ComparedWith
from openepa.domain.policy import rule_in_force
from openepa.policies.loader import DATA_DIR, load_policy

NONE, E3 = QualificationLevel.NONE, QualificationLevel.ENTRY_3
START = date(2024, 2, 5)  # 371 days before 10 February 2025
AGED_19 = date(2005, 2, 5)  # 19 on the start day
AGED_18 = date(2005, 2, 6)  # 18 on the start day, 19 the day after
DAY_BEFORE, DAY_OF = date(2025, 2, 10), date(2025, 2, 11)


def case(**changes) -> GatewayCase:
    """No English or maths at all, every piece of evidence: only English and maths can fail."""
    base = GatewayCase(
        start_date=START,
        date_of_birth=AGED_19,
        gateway_date=DAY_OF,
        english=NONE,
        maths=NONE,
        evidence=frozenset(
            {
                "gateway_meeting_record",
                "employer_sign_off",
                "provider_sign_off",
                "showcase_format_choice",
                "showcase_submission",
            }
        ),
        showcase_format=ShowcaseFormat.REPORT,
    )
    return replace(base, **changes)


# (policy, gateway day, born, in the training plan, English and maths required)
TABLE = [
    # Gateway Qualifications and NQual published Level 1 for every age (seed 000 §2.2, 004) …
    ("gateway_qualifications", DAY_BEFORE, AGED_18, False, True),
    ("gateway_qualifications", DAY_BEFORE, AGED_19, False, True),
    ("nqual", DAY_BEFORE, AGED_18, False, True),
    ("nqual", DAY_BEFORE, AGED_19, False, True),
    # … Highfield for 16–18 only (seed 002), the training plan making no difference then.
    ("highfield", DAY_BEFORE, AGED_18, False, True),
    ("highfield", DAY_BEFORE, AGED_19, False, False),
    ("highfield", DAY_BEFORE, AGED_19, True, False),
    # From 11 February 2025, every policy: 16–18 at start must, 19+ only if in the plan.
    ("gateway_qualifications", DAY_OF, AGED_18, False, True),
    ("gateway_qualifications", DAY_OF, AGED_19, False, False),
    ("gateway_qualifications", DAY_OF, AGED_19, True, True),
    ("nqual", DAY_OF, AGED_18, False, True),
    ("nqual", DAY_OF, AGED_19, False, False),
    ("nqual", DAY_OF, AGED_19, True, True),
    ("highfield", DAY_OF, AGED_18, False, True),
    ("highfield", DAY_OF, AGED_19, False, False),
    ("highfield", DAY_OF, AGED_19, True, True),
    # The training plan never lifts the requirement for 16–18 at start.
    ("nqual", DAY_OF, AGED_18, True, True),
]


@pytest.mark.parametrize(("policy_fixture", "gateway", "born", "in_plan", "required"), TABLE)
def test_english_and_maths_required_on_each_side_of_11_february_2025(
    st0072, request, policy_fixture, gateway, born, in_plan, required
):
    policy = request.getfixturevalue(policy_fixture)
    result = check_gateway(
        st0072,
        policy,
        case(
            gateway_date=gateway,
            date_of_birth=born,
            english_in_training_plan=in_plan,
            maths_in_training_plan=in_plan,
        ),
    )
    assert result.english_maths_required is required
    assert ({"english", "maths"} <= {r.code for r in result.unmet}) is required
    assert result.eligible is not required


# (policy, born, English in the plan, maths in the plan, English required, maths required,
#  why ends with) — from 11 February 2025 each subject is decided on its own.
SUBJECTS = [
    (
        "nqual",
        AGED_19,
        True,
        False,
        True,
        False,
        "English is in the training plan but maths is not: English required, maths not required",
    ),
    (
        "nqual",
        AGED_19,
        False,
        True,
        False,
        True,
        "maths is in the training plan but English is not: maths required, English not required",
    ),
    ("highfield", AGED_19, True, False, True, False, "English required, maths not required"),
    ("highfield", AGED_19, False, True, False, True, "maths required, English not required"),
    (
        "gateway_qualifications",
        AGED_19,
        True,
        True,
        True,
        True,
        "English and maths are in the training plan: English and maths required",
    ),
    (
        "gateway_qualifications",
        AGED_19,
        False,
        False,
        False,
        False,
        "English and maths are not in the training plan: not required",
    ),
    # 18 at the start: both required whatever the plan says.
    ("nqual", AGED_18, True, False, True, True, "aged 18 at the start: required"),
    ("highfield", AGED_18, False, True, True, True, "aged 18 at the start: required"),
]


@pytest.mark.parametrize(
    ("policy_fixture", "born", "english", "maths", "english_req", "maths_req", "why"), SUBJECTS
)
def test_english_and_maths_are_each_required_only_if_in_the_training_plan_from_19(
    st0072, request, policy_fixture, born, english, maths, english_req, maths_req, why
):
    policy = request.getfixturevalue(policy_fixture)
    result = check_gateway(
        st0072,
        policy,
        case(date_of_birth=born, english_in_training_plan=english, maths_in_training_plan=maths),
    )
    assert (result.english_required, result.maths_required) == (english_req, maths_req)
    assert result.english_maths_required is (english_req or maths_req)
    codes = {r.code for r in result.requirements}
    assert ("english" in codes) is english_req
    assert ("maths" in codes) is maths_req
    assert result.eligible is not (english_req or maths_req)
    assert result.english_maths_why.endswith(why)


def test_a_restart_counts_the_age_at_the_original_start(st0072, nqual, highfield):
    # 18 at the original start, 20 at the restart.
    restart = case(date_of_birth=date(2004, 1, 1), original_start_date=date(2022, 9, 1))
    after = check_gateway(st0072, nqual, restart)
    assert after.age_at_start == 18
    assert after.english_maths_required
    assert "original start (1 September 2022)" in after.english_maths_why
    # The same restart without the original start date counts the age at the restart.
    assert not check_gateway(
        st0072, nqual, replace(restart, original_start_date=None)
    ).english_maths_required
    # Before the change Highfield's published rule counted the start of this enrolment.
    before = check_gateway(st0072, highfield, replace(restart, gateway_date=DAY_BEFORE))
    assert before.age_at_start == 20
    assert not before.english_maths_required


def test_ehcp_and_bsl_routes_still_apply_after_the_change(st0072, nqual):
    young = case(date_of_birth=AGED_18, ehcp=True, english=E3, maths=E3)
    assert check_gateway(st0072, nqual, young).eligible
    bsl = case(
        date_of_birth=AGED_18,
        bsl_qualification=True,
        english=NONE,
        maths=QualificationLevel.LEVEL_1,
    )
    assert check_gateway(st0072, nqual, bsl).eligible


def test_the_result_names_the_rule_applied_and_its_published_source(st0072, nqual):
    after = check_gateway(st0072, nqual, case())
    assert after.english_maths_rule.startswith("The national rule from 11 February 2025")
    assert "applies to gateways held from 11 February 2025" in after.english_maths_rule
    assert (
        "Apprenticeship service help centre, Department for Education, "
        "“Changes to English and maths requirements” (11 February 2025)"
    ) in after.english_maths_rule
    assert after.english_maths_why == (
        "aged 19 at the start, and English and maths are not in the training plan: not required"
    )
    before = check_gateway(st0072, nqual, case(gateway_date=DAY_BEFORE))
    assert before.english_maths_rule.startswith("The gateway requirement NQual publishes")
    assert before.english_maths_why == "aged 19 at the start: required"


def test_rule_in_force_reads_the_dated_versions(nqual):
    assert nqual.gateway.english_maths_dated().compared_with == ComparedWith.GATEWAY_DATE
    before = rule_in_force(nqual, "english_maths", on=DAY_BEFORE)
    after = rule_in_force(nqual, "english_maths", on=DAY_OF)
    assert before.applies_from is None
    assert before.rule.required_if_19_plus_at_start
    assert after.applies_from == DAY_OF
    assert after.rule.training_plan_decides_19_plus
    # Keys the change does not state carry over from NQual's published rule.
    assert after.rule.ehcp_entry_level_3
    assert after.rule.bsl_alternative
    with pytest.raises(KeyError, match="'grading' is not a dated rule block"):
        rule_in_force(nqual, "grading", on=DAY_OF)


def _copy_with_changes(tmp_path: Path, changes: list[dict[str, Any]]) -> Path:
    data = yaml.safe_load((DATA_DIR / "nqual.yaml").read_text())
    data["gateway"]["english_maths"]["changes"] = changes
    target = tmp_path / "nqual.yaml"
    target.write_text(yaml.safe_dump(data, sort_keys=False))
    return target


def _change(day: str, compared_with: str = "gateway_date") -> dict[str, Any]:
    return {
        "from": day,
        "compared_with": compared_with,
        "summary": "a change",
        "sources": [{"title": "A rule", "publisher": "A department", "date": "2025-02-11"}],
        "required_if_19_plus_at_start": False,
    }


@pytest.mark.parametrize(
    ("changes", "where", "rule"),
    [
        (
            [_change("2025-02-11"), _change("2025-02-11")],
            "$.gateway.english_maths.changes[1].from",
            "2025-02-11 overlaps changes[0], which starts on the same day",
        ),
        (
            [_change("2025-02-11"), _change("2024-08-01")],
            "$.gateway.english_maths.changes[1].from",
            "2024-08-01 is before changes[0] (2025-02-11): list changes in date order",
        ),
        (
            [_change("2025-02-30")],
            "$.gateway.english_maths.changes[0].from",
            "'2025-02-30' is not a real date (YYYY-MM-DD)",
        ),
        (
            [_change("2025-02-11"), _change("2025-08-01", "start_date")],
            "$.gateway.english_maths.changes[1].compared_with",
            "'start_date' differs from changes[0] ('gateway_date'): one block's changes compare one kind of day",
        ),
        (
            [{**_change("2025-02-11"), "sources": []}],
            "$.gateway.english_maths.changes[0].sources",
            "[] should be non-empty",
        ),
    ],
)
def test_validation_refuses_bad_changes_naming_file_and_path(tmp_path, changes, where, rule):
    with pytest.raises(DataFileError) as caught:
        load_policy(_copy_with_changes(tmp_path, changes))
    assert [(p.where, p.rule) for p in caught.value.problems] == [(where, rule)]
    assert str(caught.value).endswith(f"nqual.yaml: {where}: {rule}")
