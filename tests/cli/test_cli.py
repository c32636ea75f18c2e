"""The `openepa` command through its real entry points: the installed script for the happy
paths, `main()` (what the script calls) for the matrix of invalid sheets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from openepa.cli import main
from openepa.domain.grading import Outcome
from openepa.domain.standard import Method
from tests.sheets import as_strings, outcomes, sheet_json

SCRIPT = Path(sys.executable).with_name("openepa")


@pytest.fixture
def write(tmp_path):
    def _write(data, name="sheet.json"):
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else json.dumps(data))
        return str(path)

    return _write


def full_sheet(
    st0072, policy="highfield", dist=(7, 4, 3), observation_overrides=None, discussion_extra=None
):
    obs = outcomes(
        st0072, Method.OBSERVATION, distinction_met=dist[1], overrides=observation_overrides
    )
    disc = {
        **as_strings(outcomes(st0072, Method.DISCUSSION, distinction_met=dist[2])),
        **(discussion_extra or {}),
    }
    return sheet_json(
        policy,
        [
            (
                "showcase",
                "first",
                "2026-03-02",
                as_strings(outcomes(st0072, Method.SHOWCASE, distinction_met=dist[0])),
            ),
            ("observation", "first", "2026-03-03", as_strings(obs)),
            ("discussion", "first", "2026-03-04", disc),
        ],
    )


def run(*args, stdin=None):
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, input=stdin, check=False
    )


def test_installed_script_grades_a_distinction(st0072, write):
    done = run("grade", write(full_sheet(st0072)))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["overall"] == "distinction"
    assert result["capped"] is False
    assert result["methods"]["showcase"] == {
        "grade": "distinction",
        "attempt": 1,
        "kind": "first",
        "pass_met": 30,
        "pass_required": 30,
        "distinction_met": 7,
        "distinction_required": 7,
        "reasons": ["all 30 pass criteria met and 7 of 10 distinction criteria met (7 needed)"],
    }
    assert result["methods"]["observation"]["pass_required"] == 16


def test_python_dash_m_reads_standard_input(st0072):
    done = subprocess.run(
        [sys.executable, "-m", "openepa", "grade", "-"],
        input=json.dumps(full_sheet(st0072, dist=(6, 4, 3))),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["overall"] == "pass"


def test_installed_script_rejects_an_invalid_sheet_with_exit_2(write):
    done = run("grade", write("{not json"))
    assert done.returncode == 2
    assert "not valid JSON" in done.stderr
    assert done.stdout == ""


def test_standards_lists_the_standard_and_policies():
    done = run("standards")
    assert done.returncode == 0, done.stderr
    listing = json.loads(done.stdout)
    assert listing["standards"][0]["reference"] == "ST0072"
    assert listing["standards"][0]["methods"] == {
        "showcase": {"pass": 30, "distinction": 10, "distinction_required": 7},
        "observation": {"pass": 19, "distinction": 5, "distinction_required": 4},
        "discussion": {"pass": 7, "distinction": 4, "distinction_required": 3},
    }
    assert {p["code"] for p in listing["policies"]} == {
        "gateway-qualifications",
        "highfield",
        "nqual",
    }


def grade(path, capsys):
    code = main(["grade", path])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else None), err


def test_incomplete_sheet_exits_0(st0072, write, capsys):
    sheet = full_sheet(st0072)
    sheet["attempts"] = sheet["attempts"][:1]
    code, result, _ = grade(write(sheet), capsys)
    assert code == 0
    assert result["overall"] == "incomplete"
    assert result["methods"]["discussion"]["grade"] is None


def test_failed_then_resit_to_pass_capped_by_nqual(st0072, write, capsys):
    sheet = full_sheet(
        st0072, policy="nqual", dist=(10, 5, 4), observation_overrides={"S8.1": Outcome.NOT_MET}
    )
    sheet["attempts"].append(
        {
            "method": "observation",
            "kind": "resit",
            "date": "2026-05-05",
            "judgements": as_strings(outcomes(st0072, Method.OBSERVATION, distinction_met=5)),
        }
    )
    code, result, _ = grade(write(sheet), capsys)
    assert code == 0
    assert result["overall"] == "pass"
    assert result["capped"] is True
    assert result["methods"]["observation"]["attempt"] == 2
    assert any("capped at pass" in r for r in result["reasons"])


def test_carry_over_is_judged_in_the_discussion(st0072, write, capsys):
    sheet = full_sheet(
        st0072,
        observation_overrides={"S9.1": Outcome.CARRIED_OVER},
        discussion_extra={"S9.1": "met"},
    )
    code, result, _ = grade(write(sheet), capsys)
    assert code == 0
    assert result["methods"]["observation"]["grade"] == "distinction"


def mutate(sheet, path, value):
    target = sheet
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return sheet


DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("standard",), "ST9999", "invalid input: standard: 'ST9999' is not a loaded standard"),
        (("policy",), "acme", "invalid input: policy: 'acme' is not an EPAO policy"),
        (
            ("attempts", 0, "method"),
            "essay",
            "attempts[0].method: 'essay' is not one of: showcase, observation, discussion",
        ),
        (
            ("attempts", 0, "kind"),
            "again",
            "attempts[0].kind: 'again' is not one of: first, resit, retake",
        ),
        (
            ("attempts", 1, "date"),
            "2026-13-01",
            "attempts[1].date: '2026-13-01' is not a date in the form YYYY-MM-DD",
        ),
        (
            ("attempts", 0, "judgements", "K2.1"),
            "great",
            "attempts[0].judgements.K2.1: 'great' is not one of",
        ),
        (
            ("attempts", 0, "judgements", "Z1.1"),
            "met",
            "attempts[0].judgements.Z1.1: Z1.1 is not a criterion of ST0072",
        ),
        (("attempts", 1, "judgements", "S9.4"), "met", "S9.4 applies only to non_facing roles"),
        (
            ("attempts", 2, "judgements", "K5.1"),
            DELETE,
            "attempts[2].judgements: every applicable discussion criterion needs a judgement; missing: K5.1",
        ),
        (
            ("attempts", 1, "judgements", "S8.1"),
            {"outcome": "carried_over", "attempted": True},
            "S8.1 was attempted and not met, so it cannot be carried over",
        ),
        (
            ("attempts", 2, "judgements", "S8.1"),
            "met",
            "S8.1 is a observation criterion that was not carried over",
        ),
        (
            ("attempts", 2, "kind"),
            "resit",
            "attempts[2].kind: the first attempt of the discussion must be 'first'",
        ),
        (("interaction_modes",), [], "interaction_modes: must be a non-empty list"),
        (
            ("interaction_modes",),
            ["telepathic"],
            "interaction_modes[0]: 'telepathic' is not one of: face_to_face, non_facing",
        ),
        (("attempts",), DELETE, "invalid input: attempts: is required"),
    ],
)
def test_invalid_sheets_exit_2_naming_the_field_and_rule(
    st0072, write, capsys, path, value, message
):
    sheet = mutate(full_sheet(st0072), path, value)
    code, _, err = grade(write(sheet), capsys)
    assert code == 2
    assert message in err


def test_resit_after_a_pass_is_refused(st0072, write, capsys):
    sheet = full_sheet(st0072)
    sheet["attempts"].append(
        {
            "method": "showcase",
            "kind": "retake",
            "date": "2026-06-01",
            "judgements": as_strings(outcomes(st0072, Method.SHOWCASE, distinction_met=10)),
        }
    )
    code, _, err = grade(write(sheet), capsys)
    assert code == 2
    assert (
        "attempts[3].kind: a resit or retake cannot be taken to improve a Pass or Distinction"
        in err
    )


def test_missing_file(capsys):
    assert main(["grade", "/nonexistent/sheet.json"]) == 2
    assert "cannot be read" in capsys.readouterr().err


GATEWAY = {
    "policy": "highfield",
    "start_date": "2025-01-06",
    "date_of_birth": "2007-06-01",
    "gateway_date": "2026-01-07",
    "english": "level_1",
    "maths": "level_1",
    "showcase_format": "presentation",
    "evidence": [
        "gateway_meeting_record",
        "employer_sign_off",
        "provider_sign_off",
        "showcase_format_choice",
    ],
}


def test_check_gateway_eligible_through_the_script(write):
    done = run("check-gateway", write(GATEWAY, "gateway.json"))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["eligible"] is True
    assert result["unmet"] == []
    assert result["days_on_programme"] == 366
    assert result["age_at_start"] == 17


def test_check_gateway_lists_every_unmet_requirement(write, capsys):
    data = {
        **GATEWAY,
        "gateway_date": "2026-01-06",
        "english": "entry_3",
        "evidence": ["employer_sign_off"],
    }
    assert main(["check-gateway", write(data)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["eligible"] is False
    assert {u["requirement"] for u in result["unmet"]} == {
        "days_on_programme",
        "english",
        "gateway_meeting_record",
        "provider_sign_off",
        "showcase_format_choice",
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"start_date": "06/01/2025"},
            "start_date: '06/01/2025' is not a date in the form YYYY-MM-DD",
        ),
        ({"english": "gcse"}, "english: 'gcse' is not one of: none, entry_3, level_1, level_2"),
        ({"evidence": ["selfie"]}, "evidence[0]: 'selfie' is not one of"),
        ({"ehcp": "yes"}, "ehcp: must be true or false"),
        ({"date_of_birth": "2025-02-01"}, "date_of_birth: must be before the start date"),
        ({"policy": None}, "policy: None is not an EPAO policy"),
        (
            {"english_maths_in_training_plan": "yes"},
            "english_maths_in_training_plan: must be true or false",
        ),
        (
            {"original_start_date": "2025-02-01"},
            "original_start_date: must not be after the start date",
        ),
    ],
)
def test_check_gateway_invalid_input(write, capsys, change, message):
    assert main(["check-gateway", write({**GATEWAY, **change})]) == 2
    assert message in capsys.readouterr().err


#: NQual, 20 at the start, no English or maths: the case the national rule of 11 February
#: 2025 changed.
ADULT_WITHOUT_ENGLISH_MATHS = {
    "policy": "nqual",
    "start_date": "2024-02-05",
    "date_of_birth": "2004-01-01",
    "gateway_date": "2025-02-11",
    "english": "none",
    "maths": "none",
    "evidence": ["employer_sign_off", "showcase_submission"],
}


@pytest.mark.parametrize(
    ("change", "required", "rule_starts"),
    [
        ({}, False, "The national rule from 11 February 2025"),
        ({"english_maths_in_training_plan": False}, False, "The national rule"),
        ({"english_maths_in_training_plan": True}, True, "The national rule"),
        ({"gateway_date": "2025-02-10"}, True, "The gateway requirement NQual publishes"),
        # A restart: 18 at the original start, so required whatever the plan says.
        ({"original_start_date": "2022-09-01"}, True, "The national rule"),
    ],
)
def test_check_gateway_names_the_english_and_maths_rule_applied(
    write, capsys, change, required, rule_starts
):
    assert main(["check-gateway", write({**ADULT_WITHOUT_ENGLISH_MATHS, **change})]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["english_maths_required"] is required
    assert result["eligible"] is not required
    assert result["english_maths_rule"].startswith(rule_starts)
    assert ("required" if required else "not required") in result["english_maths_why"]
    if rule_starts.startswith("The national rule"):
        assert "Changes to English and maths requirements" in result["english_maths_rule"]


@pytest.mark.parametrize(
    ("change", "english", "maths", "why_ends"),
    [
        ({"english_maths_in_training_plan": True}, True, True, "English and maths required"),
        ({"english_in_training_plan": True}, True, False, "English required, maths not required"),
        ({"maths_in_training_plan": True}, False, True, "maths required, English not required"),
        # A subject's own key overrides the published field for both.
        (
            {"english_maths_in_training_plan": True, "maths_in_training_plan": False},
            True,
            False,
            "English is in the training plan but maths is not: English required, maths not required",
        ),
        # 18 at the start: both required, whatever the plan says.
        (
            {"date_of_birth": "2005-02-06", "english_in_training_plan": True},
            True,
            True,
            "aged 18 at the start: required",
        ),
    ],
)
def test_check_gateway_takes_english_and_maths_in_the_training_plan_one_by_one(
    write, capsys, change, english, maths, why_ends
):
    assert main(["check-gateway", write({**ADULT_WITHOUT_ENGLISH_MATHS, **change})]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["english_required"], result["maths_required"]) == (english, maths)
    assert result["english_maths_required"] is (english or maths)
    assert result["english_maths_why"].endswith(why_ends)
    unmet = {u["requirement"] for u in result["unmet"]}
    assert ("english" in unmet, "maths" in unmet) == (english, maths)


def test_check_gateway_refuses_a_subjects_training_plan_answer_that_is_not_true_or_false(
    write, capsys
):
    sheet = {**ADULT_WITHOUT_ENGLISH_MATHS, "maths_in_training_plan": "no"}
    assert main(["check-gateway", write(sheet)]) == 2
    assert "maths_in_training_plan: must be true or false" in capsys.readouterr().err


NOT_UTF8 = b'{"policy": "highfield", "name": "Jos\xe9"}'
TOO_DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize("command", ["grade", "check-gateway"])
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (NOT_UTF8, "not UTF-8 text (byte 37 cannot be read); save it as UTF-8"),
        (TOO_DEEP, "not valid JSON: nested too deeply to read"),
    ],
    ids=["not-utf8", "nested-too-deeply"],
)
@pytest.mark.parametrize("source", ["file", "stdin"])
def test_unreadable_input_exits_2_with_a_message_not_a_traceback(
    tmp_path, command, content, message, source
):
    if source == "file":
        path = tmp_path / "input.json"
        path.write_bytes(content)
        done = subprocess.run([str(SCRIPT), command, str(path)], capture_output=True, check=False)
        where = str(path)
    else:
        done = subprocess.run(
            [str(SCRIPT), command, "-"], input=content, capture_output=True, check=False
        )
        where = "standard input"
    stderr = done.stderr.decode()
    assert done.returncode == 2, stderr
    assert stderr == f"openepa: {where}: {message}\n"
    assert "Traceback" not in stderr
    assert done.stdout == b""


def test_discussion_dated_before_its_observation_exits_2_naming_both_dates(st0072, write, capsys):
    sheet = full_sheet(st0072)
    sheet["attempts"][2]["date"] = "2026-03-01"  # the observation is on 2026-03-03
    code, _, err = grade(write(sheet), capsys)
    assert code == 2
    assert "attempts[2].date" in err
    assert "professional discussion on 2026-03-01" in err
    assert "practical observation on 2026-03-03" in err


def test_discussion_on_the_day_of_the_observation_is_graded(st0072, write, capsys):
    sheet = full_sheet(st0072)
    sheet["attempts"][2]["date"] = "2026-03-03"
    code, result, _ = grade(write(sheet), capsys)
    assert code == 0
    assert result["overall"] == "distinction"
