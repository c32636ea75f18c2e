"""Small scheduling instances for the tests, in the published JSON format (issue 19)."""

from __future__ import annotations

import copy
from typing import Any

_DAYS = ["2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07", "2027-01-08"]

_EXAMPLE: dict[str, Any] = {
    "policy": "nqual",
    "horizon": {"start": "2027-01-04", "end": "2027-01-08"},
    "time_limit_s": 2,
    "regions": {
        "north-west": {"north-west": 30, "yorkshire": 95},
        "yorkshire": {"north-west": 95, "yorkshire": 25},
    },
    "assessors": [
        {
            "id": "A1",
            "home_region": "north-west",
            "regions": ["north-west", "yorkshire"],
            "remote": True,
            "max_per_day": 3,
            "max_minutes_per_day": 420,
            "available": [{"date": d, "start": "09:00", "end": "17:00"} for d in _DAYS],
            "conflicts": ["AP7"],
        },
        {
            "id": "A2",
            "home_region": "yorkshire",
            "regions": ["yorkshire"],
            "remote": False,
            "max_per_day": 2,
            "max_minutes_per_day": 240,
            "available": [
                {"date": "2027-01-06", "start": "09:00", "end": "12:00"},
                {"date": "2027-01-07", "start": "13:00", "end": "17:00"},
            ],
            "conflicts": [],
        },
    ],
    "methods": [
        {
            "id": "M1",
            "apprentice": "AP1",
            "method": "observation",
            "duration_min": 60,
            "mode": "in_person",
            "region": "yorkshire",
            "earliest": "2027-01-05",
            "latest": "2027-01-07",
            "after": None,
            "eligible": ["A1", "A2"],
            "preferred": [{"date": "2027-01-06", "start": "10:00"}],
        },
        {
            "id": "M2",
            "apprentice": "AP1",
            "method": "discussion",
            "duration_min": 60,
            "mode": "remote",
            "region": None,
            "earliest": "2027-01-05",
            "latest": "2027-01-08",
            "after": "M1",
            "eligible": ["A1"],
            "preferred": [],
        },
        {
            "id": "M3",
            "apprentice": "AP2",
            "method": "showcase_interview",
            "duration_min": 30,
            "mode": "remote",
            "region": None,
            "earliest": "2027-01-04",
            "latest": "2027-01-08",
            "after": None,
            "eligible": ["A1", "A2"],
            "preferred": [],
        },
        {
            "id": "M4",
            "apprentice": "AP7",
            "method": "observation",
            "duration_min": 60,
            "mode": "in_person",
            "region": "north-west",
            "earliest": "2027-01-04",
            "latest": "2027-01-08",
            "after": None,
            "eligible": ["A1"],
            "preferred": [],
        },
    ],
    "existing": [
        {
            "method": "M0",
            "assessor": "A1",
            "date": "2027-01-05",
            "start": "09:00",
            "duration_min": 60,
        }
    ],
}


def example() -> dict[str, Any]:
    """Four methods, two assessors: M4's only eligible assessor is conflicted with AP7, so
    it stays unplaced; the rest fit."""
    return copy.deepcopy(_EXAMPLE)


#: A plan of `example()` that keeps every rule.
GOOD_PLAN: dict[str, Any] = {
    "assignments": [
        {"method": "M3", "assessor": "A1", "date": "2027-01-04", "start": "09:00"},
        {"method": "M1", "assessor": "A2", "date": "2027-01-06", "start": "10:00"},
        {"method": "M2", "assessor": "A1", "date": "2027-01-07", "start": "09:00"},
    ],
    "unplaced": [{"method": "M4", "reason": "conflict"}],
}


def good_plan() -> dict[str, Any]:
    return copy.deepcopy(GOOD_PLAN)
