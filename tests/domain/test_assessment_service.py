"""The assessment service's body rules as OpenEPA applies them
(openepa.domain.assessment_service), table by table, with the service's messages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from openepa.domain.assessment_service import (
    BATCH_TOO_BIG,
    CERTIFICATE_GRADES,
    EpaAttempt,
    batch_problem,
    certificate_request_errors,
    epa_list,
    epa_request_errors,
    grade_problem,
    is_uk_postcode,
    postcode_problem,
    submit_request_errors,
)

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    "postcode",
    [
        "SW1A 1AA",  # AA9A
        "W1A 0AX",  # A9A
        "M1 1AE",  # A9
        "B33 8TH",  # A99
        "CR2 6XH",  # AA9
        "DN55 1PT",  # AA99
        "EC1A 1BB",
        "ls14ap",  # lower case, no space
        "LS1  4AP",  # any number of spaces
        "GIR 0AA",  # Girobank
        "gir0aa",
    ],
)
def test_uk_postcodes_the_service_takes(postcode):
    assert is_uk_postcode(postcode)
    assert postcode_problem(postcode) is None


@pytest.mark.parametrize(
    "postcode",
    [
        "QA1 1AA",  # Q never starts a postcode
        "VA1 1AA",  # nor V
        "XA1 1AA",  # nor X
        "AI1 1AA",  # I is never the second letter
        "AJ1 1AA",  # nor J
        "AZ1 1AA",  # nor Z
        "SW1A 1AC",  # C never in the inward code
        "SW1A 1AI",  # nor I
        "M1 1AK",  # nor K
        "M1 1AM",
        "M1 1AO",
        "M1 1AV",
        "W1I 0AX",  # I is not a letter of the A9A district
        "SW1C 1AA",  # nor C of AA9A
        "LS1",  # outward code only
        "12345",
        "LS1 4AP X",
        " LS1 4AP",  # the service does not trim
        "SW1A-1AA",
    ],
)
def test_what_the_service_refuses_as_a_postcode(postcode):
    assert not is_uk_postcode(postcode)
    assert postcode_problem(postcode) == "Provide a valid UK postcode"


@pytest.mark.parametrize("postcode", ["", "   ", None])
def test_a_missing_postcode(postcode):
    assert postcode_problem(postcode) == "Provide a postcode"


@pytest.mark.parametrize(
    ("grade", "problem"),
    [
        ("Pass", None),
        ("distinction", None),  # the service compares without case
        ("Pass with excellence", None),
        ("No grade awarded", None),
        ("", "Select the grade achieved"),
        (None, "Select the grade achieved"),
        ("Fail", "Cannot record a Fail grade via API"),
        ("FAIL", "Cannot record a Fail grade via API"),
        ("Excellent", "You must enter a valid grade"),
    ],
)
def test_grades(grade, problem):
    found = grade_problem(grade)
    assert (found is None and problem is None) or (found or "").startswith(problem or "-")


def test_the_grades_are_the_services_list_in_its_order():
    assert CERTIFICATE_GRADES == (
        "Pass",
        "Credit",
        "Merit",
        "Distinction",
        "Pass with excellence",
        "Outstanding",
        "No grade awarded",
    )


def epa(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "requestId": "r1",
        "standard": {"standardReference": "ST0072"},
        "learner": {"uln": 1234567890, "familyName": "Lovelace"},
        "epaDetails": {"epas": [{"epaDate": "2026-03-04", "epaOutcome": "Fail"}]},
    }
    body.update(changes)
    return body


@pytest.mark.parametrize(
    ("body", "update", "errors"),
    [
        (epa(), False, []),
        (epa(epaReference="00001001"), True, []),
        (epa(), True, ["Provide EPA reference"]),
        (epa(epaReference="00001001"), False, ["EPA reference must be empty"]),
        (epa(learner={"uln": 123, "familyName": ""}), False, [
            "Provide apprentice family name", "ULN should contain exactly 10 numbers"]),
        (epa(learner={"uln": 10_000_000_000, "familyName": "L"}), False, [
            "ULN should contain exactly 10 numbers"]),
        (epa(standard={}), False, ["Provide a valid Standard"]),
        (epa(standard={"standardCode": 123}), False, []),
        (epa(epaDetails={"epas": []}), False, ["Provide EPA Details"]),
        (epa(epaDetails=None), False, ["Provide EPA Details"]),
        (epa(epaDetails={"epas": [{"epaDate": "2016-12-31", "epaOutcome": "Pass"}]}), False, [
            "EPA Date cannot be before 01 01 2017"]),
        (epa(epaDetails={"epas": [{"epaDate": "2017-01-01", "epaOutcome": "withdrawn"}]}), False, []),
        (epa(epaDetails={"epas": [{"epaDate": "2026-11-23", "epaOutcome": "Pass"}]}), False, []),
        (epa(epaDetails={"epas": [{"epaDate": "2026-11-24", "epaOutcome": "Pass"}]}), False, [
            "EPA Date cannot be in the future"]),
        (epa(epaDetails={"epas": [{"epaDate": "2026-11-01", "epaOutcome": "Merit"}]}), False, [
            "Invalid outcome: must be Pass, Fail or Withdrawn"]),
    ],
)  # fmt: skip
def test_epa_record_rules(body, update, errors):
    assert epa_request_errors(body, today=TODAY, update=update) == errors


def certificate(**details: Any) -> dict[str, Any]:
    return {
        "requestId": "r2",
        "standard": {"standardReference": "ST0072"},
        "learner": {"uln": 1234567890, "familyName": "Lovelace"},
        "learningDetails": {"overallGrade": "Pass", "achievementDate": "2026-04-20"} | details,
        "postalContact": {
            "contactName": "Erin",
            "addressLine1": "1 Harbour Street",
            "city": "Leeds",
            "postCode": "LS1 4AP",
        },
    }


@pytest.mark.parametrize(
    ("details", "errors"),
    [
        ({}, []),
        ({"achievementDate": None}, ["Provide the achievement date"]),
        ({"achievementDate": "2016-12-31"}, ["Achievement date cannot be before 01 01 2017"]),
        ({"achievementDate": "2026-11-24"}, ["Achievement date cannot be in the future"]),
        ({"overallGrade": "Fail"}, ["Cannot record a Fail grade via API"]),
    ],
)
def test_certificate_request_rules(details, errors):
    assert certificate_request_errors(certificate(**details), today=TODAY) == errors


def test_a_certificate_request_without_a_postal_contact():
    body = certificate()
    del body["postalContact"]
    assert certificate_request_errors(body, today=TODAY) == [
        "Provide a contact name",
        "Provide an address",
        "Provide a city or town",
        "Provide a postcode",
    ]


def test_submit_rules():
    body = {"uln": 1234567890, "familyName": "L", "standardReference": "ST0072"}
    assert submit_request_errors(body) == ["Provide the certificate reference"]
    assert submit_request_errors(body | {"certificateReference": "00001001"}) == []


@pytest.mark.parametrize(("count", "problem"), [(1, None), (25, None), (26, BATCH_TOO_BIG)])
def test_at_most_25_requests_per_call(count, problem):
    assert batch_problem([{}] * count) == problem
    assert BATCH_TOO_BIG == "Batch limited to 25 requests"


def test_epas_newest_first_and_same_day_by_sequence():
    day = date(2026, 5, 6)
    listed = epa_list(
        [
            EpaAttempt(date(2026, 3, 4), "Fail", sequence=0),
            EpaAttempt(day, "Fail", resit=True, sequence=1),
            EpaAttempt(day, "Pass", retake=True, sequence=2),
        ]
    )
    assert [(e["epaDate"], e["epaOutcome"]) for e in listed] == [
        ("2026-05-06", "Pass"),
        ("2026-05-06", "Fail"),
        ("2026-03-04", "Fail"),
    ]
