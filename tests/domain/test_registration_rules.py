"""The rules a registration meets without a database, shared by the registration page and
the CSV upload (openepa.domain.registration; seeds 001-003)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from openepa.domain.eligibility import age_on
from openepa.domain.registration import (
    Problem,
    birthday,
    date_problems,
    identity_problem,
    interaction_mode_problems,
    name_problem,
    same_name,
)


@pytest.mark.parametrize(
    ("birth", "start", "end", "fields"),
    [
        (date(2007, 6, 1), date(2025, 1, 6), date(2026, 1, 28), []),
        # 16 on the day of the start is old enough (seeds 002, 003: 16-18 at the start).
        (date(2009, 1, 6), date(2025, 1, 6), date(2026, 1, 28), []),
        (date(2009, 1, 7), date(2025, 1, 6), date(2026, 1, 28), ["date_of_birth"]),
        (date(2025, 1, 6), date(2025, 1, 6), date(2026, 1, 28), ["date_of_birth"]),
        (date(2007, 6, 1), date(2025, 1, 6), date(2025, 1, 6), ["planned_end_date"]),
        (
            date(2026, 1, 1),
            date(2025, 1, 6),
            date(2024, 1, 1),
            ["date_of_birth", "planned_end_date"],
        ),
    ],
)
def test_date_rules(birth, start, end, fields):
    problems = date_problems(date_of_birth=birth, start_date=start, planned_end_date=end)
    assert [p.field for p in problems] == fields


def test_the_age_rule_names_its_source():
    (problem,) = date_problems(
        date_of_birth=date(2012, 1, 1),
        start_date=date(2025, 1, 6),
        planned_end_date=date(2026, 1, 6),
    )
    assert "at least 16 on the start date" in problem.message
    assert "ST0072 assessment plan (IfATE)" in problem.message


@pytest.mark.parametrize(
    ("face", "non", "ok"),
    [(True, False, True), (False, True, True), (True, True, True), (False, False, False)],
)
def test_at_least_one_interaction_mode(face, non, ok):
    problems = interaction_mode_problems(face_to_face=face, non_facing=non)
    assert (problems == []) is ok
    if not ok:
        assert problems[0].field == "face_to_face"
        assert "Choose at least one interaction mode" in problems[0].message


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Ada", None),
        ("O'Brien-Smith", None),
        ("José María", None),
        ("", "Given name is required."),
        ("   ", "Given name is required."),
        ("x" * 101, "Given name must be at most 100 characters (this has 101)."),
        ("Apprentice 12", None),  # test and demo data; the seeds set no rule on names
        ("Ada\tL", "Given name must not contain control characters."),
    ],
)
def test_name_rules(name, reason):
    assert name_problem(name, label="Given name") == reason


def test_names_compare_as_a_person_reads_them():
    assert same_name("  ada  LOVELACE", "Ada Lovelace")
    assert same_name("Jose\u0301", "Jos\u00e9")  # decomposed and composed é
    assert not same_name("Ada", "Ida")


def identity(**changes: Any) -> str | None:
    base: dict[str, Any] = {
        "uln": "9276308686",
        "recorded_given": "Ada",
        "recorded_family": "Lovelace",
        "recorded_birth": date(2007, 6, 1),
        "given_name": "ada",
        "family_name": "Lovelace ",
        "date_of_birth": date(2007, 6, 1),
    }
    return identity_problem(**(base | changes))


def test_the_same_person_again_is_fine():
    assert identity() is None


def test_a_different_birth_date_or_name_is_refused_without_revealing_the_record():
    assert identity(date_of_birth=date(2007, 6, 2)) == (
        "ULN 9276308686 belongs to an apprentice with a different date of birth; check the ULN."
    )
    message = identity(family_name="Byron")
    assert (
        message == "ULN 9276308686 belongs to an apprentice with a different name; check the ULN."
    )
    assert "Lovelace" not in message


def test_problem_is_a_value():
    assert Problem("uln", "x") == Problem("uln", "x")


@pytest.mark.parametrize(
    ("birth", "day"),
    [
        (date(2008, 2, 29), date(2024, 2, 29)),
        (date(2008, 2, 29), date(2025, 2, 28)),
        (date(2009, 1, 6), date(2025, 1, 6)),
        (date(2009, 12, 31), date(2025, 12, 31)),
    ],
)
def test_birthday_agrees_with_the_gateway_age_rule(birth, day):
    turned = birthday(birth, 16) if birth.year + 16 == day.year else birthday(birth, 17)
    assert turned == day
    assert age_on(birth, day) == day.year - birth.year
    assert age_on(birth, day - timedelta(days=1)) == day.year - birth.year - 1
