"""Reading the instance format (issue 19, "Input"): each refusal names the field and the
rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from openepa.scheduling.instance import IN_PERSON, InstanceError, read_instance
from tests.scheduling.examples import example


def test_the_example_reads_with_every_field():
    inst = read_instance(example())
    assert inst.policy == "nqual"
    assert [d.isoformat() for d in (inst.start, inst.end)] == ["2027-01-04", "2027-01-08"]
    assert inst.time_limit_s == 2
    a1 = inst.assessors["A1"]
    assert a1.regions == {"north-west", "yorkshire"}
    assert a1.remote
    assert a1.conflicts == {"AP7"}
    assert [(w.start, w.end) for w in a1.windows_on(inst.start)] == [(540, 1020)]
    m1 = inst.methods["M1"]
    assert (m1.mode, m1.region, m1.duration, m1.eligible) == (
        IN_PERSON,
        "yorkshire",
        60,
        ("A1", "A2"),
    )
    assert m1.preferred[0].start == 600
    assert inst.methods["M2"].after == "M1"
    assert inst.followers["M1"] == ("M2",)
    assert inst.existing[0].end == 600


def test_round_trip_counts_home_to_region_and_back():
    inst = read_instance(example())
    # the example: north-west home, a yorkshire method: 95 + 95
    assert inst.round_trip(inst.assessors["A1"], "yorkshire") == 190
    assert inst.round_trip(inst.assessors["A2"], "yorkshire") == 50


def test_who_can_assess_checks_eligibility_conflicts_region_and_remote():
    inst = read_instance(example())
    a1, a2 = inst.assessors["A1"], inst.assessors["A2"]
    assert inst.can_assess(a1, inst.methods["M1"])
    assert not inst.can_assess(a1, inst.methods["M4"])  # conflicted with AP7
    assert not inst.can_assess(a2, inst.methods["M3"])  # remote, and A2 is not remote
    assert not inst.can_assess(a2, inst.methods["M2"])  # not on the eligible list


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        if value is _DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value

    return change


_DELETE = object()


INVALID = [
    ("not an object", lambda d: d.clear() or d.update({"x": 1}), "policy", "is required"),
    ("policy missing", _set("policy", _DELETE), "policy", "is required"),
    ("horizon start", _set("horizon.start", "04/01/2027"), "horizon.start", "YYYY-MM-DD"),
    ("no such date", _set("horizon.end", "2027-02-30"), "horizon.end", "YYYY-MM-DD"),
    ("horizon backwards", _set("horizon.end", "2027-01-01"), "horizon.end", "not be before"),
    ("time limit", _set("time_limit_s", 0), "time_limit_s", "above 0"),
    (
        "regions not square",
        _set("regions.yorkshire", {"yorkshire": 25}),
        "regions.yorkshire",
        "missing north-west",
    ),
    (
        "negative travel",
        _set("regions.yorkshire.yorkshire", -5),
        "regions.yorkshire.yorkshire",
        "whole number",
    ),
    (
        "unknown home region",
        _set("assessors.0.home_region", "wales"),
        "assessors[0].home_region",
        "one of the regions",
    ),
    (
        "unknown covered region",
        _set("assessors.0.regions", ["wales"]),
        "assessors[0].regions[0]",
        "one of the regions",
    ),
    (
        "remote not boolean",
        _set("assessors.0.remote", "yes"),
        "assessors[0].remote",
        "true or false",
    ),
    (
        "daily count",
        _set("assessors.0.max_per_day", -1),
        "assessors[0].max_per_day",
        "whole number",
    ),
    (
        "window backwards",
        _set("assessors.0.available.0.end", "08:00"),
        "assessors[0].available[0].end",
        "later than start",
    ),
    (
        "window time",
        _set("assessors.0.available.0.start", "9am"),
        "assessors[0].available[0].start",
        "HH:MM",
    ),
    (
        "availability outside horizon",
        _set("assessors.0.available.0.date", "2027-02-01"),
        "assessors[0].available[0].date",
        "inside the horizon",
    ),
    ("duplicate assessor", _set("assessors.1.id", "A1"), "assessors[1].id", "repeats the id 'A1'"),
    (
        "unknown eligible assessor",
        _set("methods.0.eligible", ["A1", "A9"]),
        "methods[0].eligible[1]",
        "unknown assessor 'A9'",
    ),
    ("no eligible list", _set("methods.0.eligible", _DELETE), "methods[0].eligible", "is required"),
    (
        "empty eligible list",
        _set("methods.0.eligible", []),
        "methods[0].eligible",
        "at least one assessor",
    ),
    ("unknown after", _set("methods.1.after", "M9"), "methods[1].after", "unknown method 'M9'"),
    ("after itself", _set("methods.1.after", "M2"), "methods[1].after", "the method itself"),
    ("after cycle", _set("methods.0.after", "M2"), "methods[0].after", "cycle (M1 → M2 → M1)"),
    (
        "earliest outside horizon",
        _set("methods.0.earliest", "2027-01-03"),
        "methods[0].earliest",
        "inside the horizon",
    ),
    (
        "latest outside horizon",
        _set("methods.0.latest", "2027-01-09"),
        "methods[0].latest",
        "inside the horizon",
    ),
    (
        "latest before earliest",
        _set("methods.0.latest", "2027-01-04"),
        "methods[0].latest",
        "not be before earliest",
    ),
    ("mode", _set("methods.0.mode", "hybrid"), "methods[0].mode", "in_person or remote"),
    (
        "in person without region",
        _set("methods.0.region", None),
        "methods[0].region",
        "non-empty string",
    ),
    (
        "unknown method region",
        _set("methods.0.region", "wales"),
        "methods[0].region",
        "one of the regions",
    ),
    ("duration", _set("methods.0.duration_min", 0), "methods[0].duration_min", "from 1 to 1440"),
    (
        "duration as text",
        _set("methods.0.duration_min", "60"),
        "methods[0].duration_min",
        "whole number",
    ),
    (
        "preferred date",
        _set("methods.0.preferred.0.date", "2027-03-01"),
        "methods[0].preferred[0].date",
        "inside the horizon",
    ),
    ("duplicate method", _set("methods.1.id", "M1"), "methods[1].id", "repeats the id 'M1'"),
    ("method already booked", _set("methods.2.id", "M0"), "methods[2].id", "already booked"),
    (
        "existing unknown assessor",
        _set("existing.0.assessor", "A9"),
        "existing[0].assessor",
        "unknown assessor 'A9'",
    ),
    (
        "existing outside horizon",
        _set("existing.0.date", "2026-12-31"),
        "existing[0].date",
        "inside the horizon",
    ),
    ("methods not a list", _set("methods", {}), "methods", "must be a list"),
    (
        "existing region a list",
        _set("existing.0.region", ["london"]),
        "existing[0].region",
        "one of the regions or null",
    ),
    ("existing mode a list", _set("existing.0.mode", []), "existing[0].mode", "in_person, remote"),
]


@pytest.mark.parametrize(
    ("change", "where", "rule"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
)
def test_an_invalid_instance_is_refused_naming_the_field_and_the_rule(change, where, rule):
    data = example()
    change(data)
    with pytest.raises(InstanceError) as caught:
        read_instance(data)
    assert caught.value.where == where
    assert rule in caught.value.rule


def test_after_may_name_an_existing_booking():
    data = example()
    data["methods"][0]["after"] = "M0"
    assert read_instance(data).methods["M1"].after == "M0"


def test_a_remote_method_needs_no_region():
    data = example()
    del data["methods"][2]["region"]
    assert read_instance(data).methods["M3"].region is None
