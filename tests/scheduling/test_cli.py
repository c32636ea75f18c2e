"""`openepa schedule` through its entry points: the installed script once, `main()` for the
matrix of invalid input; exit 0 with a plan, 2 with the field and the rule."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from openepa.cli import main
from tests.scheduling.examples import example, good_plan

SCRIPT = Path(sys.executable).with_name("openepa")


@pytest.fixture
def write(tmp_path):
    def _write(data, name="instance.json"):
        path = tmp_path / name
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data if isinstance(data, str) else json.dumps(data))
        return str(path)

    return _write


def test_the_installed_command_prints_a_plan_that_passes_its_own_check(write, tmp_path):
    instance = write(example())
    done = subprocess.run(
        [str(SCRIPT), "schedule", instance, "--time-limit", "5"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert {a["method"] for a in plan["assignments"]} == {"M1", "M2", "M3"}
    assert plan["unplaced"] == [
        {"method": "M4", "reason": "every eligible assessor has a conflict of interest with AP7"}
    ]
    summary = plan["summary"]
    assert set(summary) == {
        "methods",
        "placed",
        "travel_minutes",
        "max_assessor_load",
        "greedy",
        "bound",
        "seconds",
        "engine",
    }
    assert (summary["methods"], summary["placed"], summary["engine"]) == (4, 3, "cp-sat")
    checked = subprocess.run(
        [str(SCRIPT), "schedule", instance, "--check", write(done.stdout, "plan.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout
    assert json.loads(checked.stdout)["violations"] == []


def test_standard_input_and_the_greedy_engine(monkeypatch, capsys):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(example())))
    assert main(["schedule", "-", "--engine", "greedy"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["summary"]["engine"] == "greedy"
    assert plan["summary"]["placed"] == 3


def _instance_with(change):
    data = example()
    change(data)
    return data


INVALID = [
    (
        "malformed JSON",
        '{"policy": "nqual",',
        "not valid JSON: Expecting property name enclosed in double quotes at line 1, column 20",
    ),
    ("not UTF-8", b'{"policy": "nq\xe9al"}', "not UTF-8 text"),
    (
        "unknown policy",
        _instance_with(lambda d: d.update(policy="acme")),
        "policy: must be one of gateway-qualifications, highfield, nqual",
    ),
    (
        "unknown eligible assessor",
        _instance_with(lambda d: d["methods"][0].update(eligible=["A7"])),
        "methods[0].eligible[0]: names an unknown assessor 'A7'",
    ),
    (
        "no eligible list",
        _instance_with(lambda d: d["methods"][0].pop("eligible")),
        "methods[0].eligible: is required",
    ),
    (
        "after cycle",
        _instance_with(lambda d: d["methods"][0].update(after="M2")),
        "methods[0].after: makes a cycle (M1 → M2 → M1)",
    ),
    (
        "date outside the horizon",
        _instance_with(lambda d: d["methods"][2].update(latest="2027-02-01")),
        "methods[2].latest: must fall inside the horizon (2027-01-04 to 2027-01-08)",
    ),
    (
        "unknown existing assessor",
        _instance_with(lambda d: d["existing"][0].update(assessor="Z")),
        "existing[0].assessor: names an unknown assessor 'Z'",
    ),
]


@pytest.mark.parametrize(("data", "message"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_input_exits_2_naming_the_field_and_the_rule(write, capsys, data, message):
    assert main(["schedule", write(data)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert message in err


def test_a_missing_file_exits_2(capsys, tmp_path):
    assert main(["schedule", str(tmp_path / "none.json")]) == 2
    assert "cannot be read" in capsys.readouterr().err


def test_a_malformed_plan_to_check_exits_2(write, capsys):
    plan = write(
        {"assignments": [{"method": "M1", "assessor": "A1", "date": "7 Jan", "start": "09:00"}]},
        "plan.json",
    )
    assert main(["schedule", write(example()), "--check", plan]) == 2
    assert "assignments[0].date: must be a date written YYYY-MM-DD" in capsys.readouterr().err


def test_time_limit_out_of_range_exits_2(write, capsys):
    assert main(["schedule", write(example()), "--time-limit", "0"]) == 2
    assert "--time-limit: must be above 0" in capsys.readouterr().err


def test_replan_on_the_command_line(write, capsys):
    instance = write(example())
    assert main(["schedule", instance, "--engine", "greedy"]) == 0
    plan = json.loads(capsys.readouterr().out)
    m2 = next(a for a in plan["assignments"] if a["method"] == "M2")
    path = write(plan, "plan.json")
    assert main(["schedule", instance, "--replan", path, "--cancel", f"A1@{m2['date']}"]) == 0
    replanned = json.loads(capsys.readouterr().out)
    assert replanned["summary"]["displaced"] >= 1
    assert replanned["summary"]["unplaced_displaced"] == 0
    new_m2 = next(a for a in replanned["assignments"] if a["method"] == "M2")
    assert new_m2["date"] != m2["date"]
    assert main(["schedule", instance, "--replan", path, "--cancel", "A9@2027-01-05"]) == 2
    assert "--cancel: must be ASSESSOR@YYYY-MM-DD" in capsys.readouterr().err
    assert main(["schedule", instance, "--replan", path, "--cancel", "A1@7 Jan"]) == 2
    assert "--cancel: the day must be written YYYY-MM-DD" in capsys.readouterr().err
    assert main(["schedule", instance, "--cancel", "A1@2027-01-05"]) == 2
    assert "--cancel: only with --replan" in capsys.readouterr().err


def test_grading_never_loads_the_solver():
    code = (
        "import sys, io, contextlib\n"
        "from openepa.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['standards'])\n"
        "with contextlib.redirect_stderr(io.StringIO()):\n"
        "    assert main(['grade', 'no-such-sheet.json']) == 2\n"
        "assert 'ortools' not in sys.modules, 'ortools loaded'\n"
        "assert 'openepa.scheduling.cpsat' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_replan_refuses_a_plan_that_breaks_the_rules(write, capsys):
    plan = good_plan()
    plan["assignments"][0]["assessor"] = "A2"  # M3 is remote; A2 does not assess remotely
    code = main(
        [
            "schedule",
            write(example()),
            "--replan",
            write(plan, "p.json"),
            "--cancel",
            "A1@2027-01-07",
        ]
    )
    assert code == 2
    assert "--replan: the plan breaks the instance's rules: M3: A2 does not assess remotely" in (
        capsys.readouterr().err
    )
