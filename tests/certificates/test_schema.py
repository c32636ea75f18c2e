"""The record-a-grade schema refuses what the API would refuse, naming the path: each case
breaks one field of an otherwise valid record."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from openepa.certificates.records import InvalidExport, check

CERTIFICATE: dict[str, Any] = {
    "requestId": "openepa-result-7",
    "standard": {"standardReference": "ST0072"},
    "learner": {"uln": 1234567890, "familyName": "Lovelace"},
    "learningDetails": {
        "version": "1.1",
        "courseOption": None,
        "overallGrade": "Distinction",
        "achievementDate": "2026-04-20",
    },
    "epaDetails": {
        "epas": [
            {"epaDate": "2026-03-04", "epaOutcome": "Fail", "resit": False, "retake": False},
            {"epaDate": "2026-04-20", "epaOutcome": "Pass", "resit": True, "retake": False},
        ]
    },
}
EPA_RECORD: dict[str, Any] = {
    **copy.deepcopy(CERTIFICATE),
    "learningDetails": {"version": "1.1", "courseOption": None},
}


def test_valid_records_pass():
    check([CERTIFICATE, CERTIFICATE])
    check([EPA_RECORD])


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
    ("record", "path", "value", "named", "rule"),
    [
        (CERTIFICATE, ("learner", "uln"), 123, "$[0].learner.uln", "less than the minimum"),
        (
            CERTIFICATE,
            ("learner", "familyName"),
            "",
            "$[0].learner.familyName",
            "should be non-empty",
        ),
        (
            CERTIFICATE,
            ("learningDetails", "overallGrade"),
            "Merit",
            "overallGrade",
            "is not one of",
        ),
        (
            CERTIFICATE,
            ("learningDetails", "achievementDate"),
            "2026-02-30",
            "$[0].learningDetails.achievementDate",
            "is not a 'date'",
        ),
        (
            CERTIFICATE,
            ("epaDetails", "epas", 1, "epaOutcome"),
            "Distinction",
            "$[0].epaDetails.epas[1].epaOutcome",
            "is not one of",
        ),
        (CERTIFICATE, ("epaDetails", "epas"), [], "$[0].epaDetails.epas", "should be non-empty"),
        (CERTIFICATE, ("standard", "standardReference"), "ST72", "standardReference", "match"),
        (
            EPA_RECORD,
            ("learningDetails", "achievementDate"),
            "2026-04-20",
            "$[0].learningDetails",
            "Additional properties",
        ),
        (EPA_RECORD, ("requestId",), KeyError, "$[0]", "'requestId' is a required property"),
    ],
)
def test_a_broken_record_is_refused_naming_the_path(record, path, value, named, rule):
    with pytest.raises(InvalidExport) as refused:
        check([broken(record, path, value)])
    assert named in refused.value.message
    assert rule in refused.value.message


def test_more_than_25_records_is_refused():
    with pytest.raises(InvalidExport, match=r"\$: .* is too long"):
        check([CERTIFICATE] * 26)
