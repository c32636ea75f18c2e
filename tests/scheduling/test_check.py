"""The independent checker against a good plan and a plan broken in each way (issue 19,
"Done when"; issue 16 S4), both directly and through `openepa schedule --check`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from openepa.cli import main
from openepa.scheduling.check import check_plan
from openepa.scheduling.instance import read_instance
from openepa.scheduling.plan import read_plan
from tests.scheduling.examples import example, good_plan

Change = Callable[[dict[str, Any]], None]


def _assign(method: str, assessor: str, day: str, start: str) -> Change:
    """Put `method` at the given place (replacing its assignment or unplaced line)."""

    def change(plan: dict[str, Any]) -> None:
        plan["assignments"] = [a for a in plan["assignments"] if a["method"] != method]
        plan["unplaced"] = [u for u in plan["unplaced"] if u["method"] != method]
        plan["assignments"].append(
            {"method": method, "assessor": assessor, "date": day, "start": start}
        )

    return change


def _unplace(method: str) -> Change:
    def change(plan: dict[str, Any]) -> None:
        plan["assignments"] = [a for a in plan["assignments"] if a["method"] != method]
        plan["unplaced"].append({"method": method, "reason": "test"})

    return change


def _nothing(data: dict[str, Any]) -> None:
    pass


def _assessor(key: str, value: Any, who: int = 1) -> Change:
    def change(data: dict[str, Any]) -> None:
        data["assessors"][who][key] = value

    return change


def _existing_in_person(data: dict[str, Any]) -> None:
    data["existing"][0].update({"mode": "in_person", "region": "north-west"})


def _add(line: dict[str, Any], key: str = "assignments") -> Change:
    def change(plan: dict[str, Any]) -> None:
        plan[key].append(line)

    return change


def _summary(plan: dict[str, Any]) -> None:
    plan["summary"] = {"methods": 4, "placed": 5, "travel_minutes": 50}


# (name, change to the instance, change to the good plan, the rule broken)
BROKEN = [
    ("not eligible", _nothing, _assign("M2", "A2", "2027-01-07", "13:00"), "eligibility"),
    ("conflict of interest", _nothing, _assign("M4", "A1", "2027-01-04", "10:00"), "conflict"),
    ("region not covered", _assessor("regions", ["north-west"]), _nothing, "region"),
    ("not remote", _nothing, _assign("M3", "A2", "2027-01-06", "09:00"), "remote"),
    ("after latest", _nothing, _assign("M1", "A1", "2027-01-08", "09:00"), "window"),
    ("before earliest", _nothing, _assign("M1", "A1", "2027-01-04", "09:00"), "window"),
    ("off the grid", _nothing, _assign("M1", "A2", "2027-01-06", "10:02"), "grid"),
    ("outside availability", _nothing, _assign("M1", "A2", "2027-01-06", "11:30"), "availability"),
    ("day not available", _nothing, _assign("M1", "A2", "2027-01-05", "10:00"), "availability"),
    ("overlap", _nothing, _assign("M3", "A1", "2027-01-07", "09:30"), "overlap"),
    ("overlap with existing", _nothing, _assign("M3", "A1", "2027-01-05", "09:30"), "overlap"),
    (
        "no travel gap",
        _existing_in_person,
        _assign("M1", "A1", "2027-01-05", "10:30"),
        "travel",
    ),
    (
        "daily count with existing",
        _assessor("max_per_day", 1, who=0),
        _assign("M3", "A1", "2027-01-05", "10:00"),
        "daily-count",
    ),
    (
        "daily minutes with existing",
        _assessor("max_minutes_per_day", 80, who=0),
        _assign("M3", "A1", "2027-01-05", "10:00"),
        "daily-minutes",
    ),
    ("after on the same day", _nothing, _assign("M2", "A1", "2027-01-06", "13:00"), "after"),
    ("after its follower unplaced", _nothing, _unplace("M1"), "after"),
    ("missing method", _nothing, lambda p: p.update(unplaced=[]), "missing"),
    ("twice", _nothing, _add(good_plan()["assignments"][0]), "duplicate"),
    (
        "unknown method",
        _nothing,
        _add({"method": "M9", "assessor": "A1", "date": "2027-01-08", "start": "09:00"}),
        "unknown-method",
    ),
    ("unknown assessor", _nothing, _assign("M3", "A9", "2027-01-04", "09:00"), "unknown-assessor"),
    ("summary wrong", _nothing, _summary, "summary"),
]


def test_the_good_plan_keeps_every_rule():
    assert check_plan(read_instance(example()), read_plan(good_plan())) == []


def test_a_travel_gap_long_enough_is_no_violation():
    data = example()
    _existing_in_person(data)
    plan = good_plan()
    _assign("M1", "A1", "2027-01-05", "11:35")(plan)  # 10:00 + 95 minutes
    assert check_plan(read_instance(data), read_plan(plan)) == []


def test_missing_a_preferred_time_is_no_violation():
    plan = good_plan()
    _assign("M1", "A2", "2027-01-06", "11:00")(plan)  # preferred 10:00
    assert check_plan(read_instance(example()), read_plan(plan)) == []


@pytest.mark.parametrize(
    ("change_instance", "change_plan", "rule"),
    [b[1:] for b in BROKEN],
    ids=[b[0] for b in BROKEN],
)
def test_a_broken_plan_is_caught(change_instance, change_plan, rule):
    data, plan = example(), good_plan()
    change_instance(data)
    change_plan(plan)
    violations = check_plan(read_instance(data), read_plan(plan))
    assert rule in {v.rule for v in violations}
    assert all(v.message for v in violations)


@pytest.mark.parametrize(
    ("change_instance", "change_plan", "rule"),
    [b[1:] for b in BROKEN],
    ids=[b[0] for b in BROKEN],
)
def test_check_on_the_command_line_lists_each_violation_and_exits_1(
    tmp_path, capsys, change_instance, change_plan, rule
):
    data, plan = example(), good_plan()
    change_instance(data)
    change_plan(plan)
    (tmp_path / "i.json").write_text(json.dumps(data))
    (tmp_path / "p.json").write_text(json.dumps(plan))
    code = main(["schedule", str(tmp_path / "i.json"), "--check", str(tmp_path / "p.json")])
    out, err = capsys.readouterr()
    assert code == 1
    listed = json.loads(out)["violations"]
    assert rule in {v["rule"] for v in listed}
    assert all(f"openepa: {v['message']}" in err for v in listed)


def test_check_of_a_good_plan_exits_0(tmp_path, capsys):
    (tmp_path / "i.json").write_text(json.dumps(example()))
    (tmp_path / "p.json").write_text(json.dumps(good_plan()))
    assert main(["schedule", str(tmp_path / "i.json"), "--check", str(tmp_path / "p.json")]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "violations": [],
        "assignments": 3,
        "unplaced": 1,
    }
