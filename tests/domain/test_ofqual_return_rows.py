"""The Ofqual data returns' rows and rules (Ofqual's guides to the data submission process
for end-point assessment outcomes and registrations, and their file-format tables), with
deliberately bad rows. Pure: the format is read from its data file, no database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from openepa.domain.ofqual_returns import (
    ComponentGrade,
    EpaFacts,
    FormatError,
    ReturnFormat,
    ReturnKind,
    check_values,
    outcome_rows,
    parse_format,
    registration_row,
    validate,
)

FILE = Path(__file__).parents[2] / "openepa" / "results" / "data" / "ofqual_returns.yaml"
DATA = yaml.safe_load(FILE.read_text(encoding="utf-8"))
OUTCOMES = parse_format(ReturnKind.OUTCOMES, DATA["outcomes"])
REGISTRATIONS = parse_format(ReturnKind.REGISTRATIONS, DATA["registrations"])
FIRST_EIGHT = [
    "ReportingDate",
    "AwardingOrganisation",
    "AwardingOrganisationID",
    "StandardTitle",
    "StandardID",
    "AssessmentPlanVersionNumber",
    "QualificationNumber",
    "ULN",
]
DAY = date(2025, 3, 31)


def facts(**changes: object) -> EpaFacts:
    base: dict[str, object] = {
        "epao_name": "Example EPAO",
        "epao_register_id": "EPA0001",
        "standard_title": "Customer Service Practitioner",
        "standard_reference": "ST0072",
        "plan_version": "AP02",
        "qualification_number": None,
        "uln": "9276308686",
        "apprentice_number": 17,
        "components": (
            ComponentGrade("Apprentice showcase", "Pass", date(2025, 1, 6)),
            ComponentGrade("Practical observation", "Distinction", date(2025, 1, 13)),
            ComponentGrade("Professional discussion", "Pass", date(2025, 1, 13)),
        ),
        "overall_grade": "Pass",
        "awarded_on": date(2025, 1, 20),
    }
    base.update(changes)
    return EpaFacts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", [OUTCOMES, REGISTRATIONS], ids=["outcomes", "registrations"])
def test_both_formats_start_with_the_eight_published_columns_in_order(fmt: ReturnFormat) -> None:
    assert fmt.header[:8] == FIRST_EIGHT
    assert [c.position for c in fmt.columns] == list(range(1, len(fmt.columns) + 1))


@pytest.mark.parametrize("fmt", [OUTCOMES, REGISTRATIONS], ids=["outcomes", "registrations"])
def test_a_column_not_found_is_said_so_and_has_no_invented_rule(fmt: ReturnFormat) -> None:
    missing = [c for c in fmt.columns if not c.found]
    assert [c.name for c in missing] == ["CandidateIdentifierOther"]
    assert all(c.pattern is None for c in missing)
    assert not fmt.complete
    assert fmt.not_found


def test_outcomes_have_a_row_per_component_and_one_for_the_epa_as_a_whole() -> None:
    rows = outcome_rows(OUTCOMES, facts(), DAY)
    assert [(r.level, r.component, r.grade) for r in rows] == [
        ("Component", "Apprentice showcase", "Pass"),
        ("Component", "Practical observation", "Distinction"),
        ("Component", "Professional discussion", "Pass"),
        ("EPA", "", "Pass"),
    ]
    assert rows[0].cells(OUTCOMES)[:9] == [
        "2025-03-31",
        "Example EPAO",
        "EPA0001",
        "Customer Service Practitioner",
        "ST0072",
        "AP02",
        "-2",  # no qualification number recorded: "not available"
        "9276308686",
        "17",
    ]
    assert list(validate(OUTCOMES, (r.values for r in rows))) == []


def test_a_registration_row_keeps_the_rules() -> None:
    row = registration_row(REGISTRATIONS, facts(qualification_number="603/1234/5"), DAY)
    assert row.values["QualificationNumber"] == "603/1234/5"
    assert check_values(REGISTRATIONS, 2, row.values) == []


@pytest.mark.parametrize(
    ("fmt", "change", "column", "rule"),
    [
        # Deliberately bad rows: each breaks one published rule.
        (OUTCOMES, {"epao_register_id": ""}, "AwardingOrganisationID", "must match ^(EPA)"),
        (OUTCOMES, {"epao_register_id": "EPA12"}, "AwardingOrganisationID", "must match ^(EPA)"),
        (REGISTRATIONS, {"epao_register_id": "epa1234"}, "AwardingOrganisationID", "^(EPA)"),
        (OUTCOMES, {"standard_reference": "ST072"}, "StandardID", "must match ^(ST)"),
        (OUTCOMES, {"epao_name": "E" * 101}, "AwardingOrganisation", "^.{1,100}$"),
        (OUTCOMES, {"standard_title": ""}, "StandardTitle", "^.{1,100}$"),
        (OUTCOMES, {"qualification_number": "603/1234/5X9"}, "QualificationNumber", "-2"),
        # The registrations table does not accept -2 for the plan version: left empty, it is
        # reported rather than sent.
        (REGISTRATIONS, {"plan_version": None}, "AssessmentPlanVersionNumber", "^.{1,10}$"),
        (REGISTRATIONS, {"plan_version": "ST0072/AP02"}, "AssessmentPlanVersionNumber", "{1,10}"),
    ],
)
def test_a_bad_value_is_reported_with_its_row_and_rule(
    fmt: ReturnFormat, change: dict[str, object], column: str, rule: str
) -> None:
    row = (
        outcome_rows(fmt, facts(**change), DAY)[-1]
        if fmt is OUTCOMES
        else registration_row(fmt, facts(**change), DAY)
    )
    found = check_values(fmt, 7, row.values)
    assert [(v.row, v.column) for v in found] == [(7, column)]
    assert rule in found[0].rule
    assert f"row 7, {column}" in str(found[0])


def test_the_outcomes_plan_version_accepts_minus_two_where_registrations_do_not() -> None:
    outcome = outcome_rows(OUTCOMES, facts(plan_version=None), DAY)[-1]
    assert outcome.values["AssessmentPlanVersionNumber"] == "-2"
    assert check_values(OUTCOMES, 2, outcome.values) == []
    bad = dict(registration_row(REGISTRATIONS, facts(), DAY).values)
    bad["AssessmentPlanVersionNumber"] = "-2"
    assert [v.rule for v in check_values(REGISTRATIONS, 2, bad)] == [
        '"-2" is not accepted in this column'
    ]


@pytest.mark.parametrize(
    "day", ["2025-3-31", "31/03/2025", "2025-13-01", "2025-02-32", "1999-01-01"]
)
def test_a_reporting_date_not_written_yyyy_mm_dd_is_refused(day: str) -> None:
    values = dict(registration_row(REGISTRATIONS, facts(), DAY).values, ReportingDate=day)
    assert [v.column for v in check_values(REGISTRATIONS, 2, values)] == ["ReportingDate"]


def test_a_header_out_of_order_is_reported_on_row_one() -> None:
    header = list(reversed(OUTCOMES.header))
    found = list(validate(OUTCOMES, [], header=header))
    assert [(v.row, v.column) for v in found] == [(1, "header")]


def test_the_format_file_must_number_its_columns_in_order() -> None:
    broken = dict(DATA["outcomes"])
    broken["columns"] = list(reversed(DATA["outcomes"]["columns"]))
    with pytest.raises(FormatError, match="position"):
        parse_format(ReturnKind.OUTCOMES, broken)
