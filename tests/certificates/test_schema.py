"""The schema refuses what the service would refuse, naming the path, and `check` adds the
service's own rules in its words: each case breaks one field of an otherwise valid
request of one kind."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from openepa.certificates.records import SCHEMA_PATH, InvalidExport, check

TODAY = date(2026, 11, 23)
EPAS = [
    {"epaDate": "2026-04-20", "epaOutcome": "Pass", "resit": True, "retake": False},
    {"epaDate": "2026-03-04", "epaOutcome": "Fail", "resit": False, "retake": False},
]
EPA_CREATE: dict[str, Any] = {
    "requestId": "openepa-7-1",
    "standard": {"standardReference": "ST0072"},
    "learner": {"uln": 1234567890, "familyName": "Lovelace"},
    "learningDetails": {"version": "1.1", "courseOption": None},
    "epaDetails": {"epas": EPAS},
}
EPA_UPDATE: dict[str, Any] = {"requestId": "openepa-7-2", "epaReference": "00001001"} | {
    k: v for k, v in EPA_CREATE.items() if k != "requestId"
}
CERTIFICATE: dict[str, Any] = {
    "requestId": "openepa-7-3",
    "standard": {"standardReference": "ST0072"},
    "learner": {"uln": 1234567890, "familyName": "Lovelace"},
    "learningDetails": {
        "version": "1.1",
        "courseOption": None,
        "overallGrade": "Distinction",
        "achievementDate": "2026-04-20",
    },
    "postalContact": {
        "contactName": "Erin Employer",
        "department": None,
        "organisation": "Harbour Bank",
        "addressLine1": "1 Harbour Street",
        "addressLine2": None,
        "addressLine3": None,
        "city": "Leeds",
        "postCode": "LS1 4AP",
    },
}
SUBMIT: dict[str, Any] = {
    "requestId": "openepa-7-4",
    "uln": 1234567890,
    "standardReference": "ST0072",
    "familyName": "Lovelace",
    "certificateReference": "00001001",
}
KINDS = {"epa_create": EPA_CREATE, "epa_update": EPA_UPDATE, "certificate": CERTIFICATE}
KINDS["submit"] = SUBMIT


@pytest.mark.parametrize("kind", KINDS)
def test_valid_requests_pass(kind):
    check(kind, [KINDS[kind], KINDS[kind]], TODAY)
    # and the schema file itself takes them, as a batch of one kind
    Draft202012Validator(json.loads(SCHEMA_PATH.read_text())).validate([KINDS[kind]])


def broken(record: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(record)
    target: Any = out
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return out


@pytest.mark.parametrize(
    ("kind", "path", "value", "named", "rule"),
    [
        ("epa_create", ("standard", "standardReference"), "ST72", "standardReference", "match"),
        ("epa_create", ("requestId",), KeyError, "$[0]", "'requestId' is a required property"),
        ("epa_create", ("learningDetails", "courseOption"), 5, "courseOption", "not of type"),
        ("epa_create", ("epaDetails", "epas", 0, "resit"), "yes", "resit", "not of type"),
        ("certificate", ("learningDetails", "version"), "v1", "version", "does not match"),
    ],
)
def test_what_the_rules_let_through_the_schema_refuses_naming_the_path(
    kind, path, value, named, rule
):
    with pytest.raises(InvalidExport) as refused:
        check(kind, [broken(KINDS[kind], path, value)], TODAY)
    assert "record-a-grade.json" in refused.value.message
    assert named in refused.value.message
    assert rule in refused.value.message


@pytest.mark.parametrize(
    ("kind", "path", "value", "message"),
    [
        ("certificate", ("learner", "uln"), 123, "ULN should contain exactly 10 numbers"),
        ("certificate", ("learner", "familyName"), " ", "Provide apprentice family name"),
        (
            "certificate",
            ("learningDetails", "overallGrade"),
            "Fail",
            "Cannot record a Fail grade via API",
        ),
        (
            "certificate",
            ("learningDetails", "achievementDate"),
            "2026-11-24",
            "Achievement date cannot be in the future",
        ),
        (
            "certificate",
            ("learningDetails", "achievementDate"),
            "2016-12-31",
            "Achievement date cannot be before 01 01 2017",
        ),
        ("certificate", ("postalContact",), KeyError, "Provide a contact name; Provide an address"),
        ("certificate", ("postalContact", "postCode"), "QQ1 1AA", "Provide a valid UK postcode"),
        ("certificate", ("postalContact", "city"), "", "Provide a city or town"),
        ("epa_create", ("epaDetails", "epas", 0, "epaDate"), "2026-12-01", "in the future"),
        (
            "epa_create",
            ("epaDetails", "epas", 1, "epaOutcome"),
            "Distinction",
            "Invalid outcome: must be Pass, Fail or Withdrawn",
        ),
        ("epa_create", ("epaDetails", "epas"), [], "Provide EPA Details"),
        ("epa_create", ("epaReference",), "00001001", "EPA reference must be empty"),
        ("epa_update", ("epaReference",), KeyError, "Provide EPA reference"),
        ("submit", ("certificateReference",), KeyError, "Provide the certificate reference"),
    ],
)
def test_the_services_rules_are_applied_in_its_words(kind, path, value, message):
    with pytest.raises(InvalidExport) as refused:
        check(kind, [broken(KINDS[kind], path, value)], TODAY)
    assert "Record 1" in refused.value.message
    assert "would be refused by the assessment service" in refused.value.message
    assert message in refused.value.message


def test_the_schema_itself_refuses_a_date_before_2017():
    bad = broken(EPA_CREATE, ("epaDetails", "epas", 0, "epaDate"), "2016-12-31")
    errors = list(Draft202012Validator(json.loads(SCHEMA_PATH.read_text())).iter_errors([bad]))
    assert errors


@pytest.mark.parametrize("kind", KINDS)
def test_more_than_25_requests_is_refused(kind):
    with pytest.raises(InvalidExport, match=r"\$: .* is too long"):
        check(kind, [KINDS[kind]] * 26, TODAY)
