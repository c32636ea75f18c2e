"""The data files are validated on load, and an error names the file, the path inside it
and the broken rule."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from openepa.datafiles import DataFileError, parse_yaml
from openepa.policies.loader import DATA_DIR as POLICY_DIR
from openepa.policies.loader import all_policies, load_policy
from openepa.standards.loader import DATA_DIR as STANDARD_DIR
from openepa.standards.loader import load_standard


def broken_copy(source: Path, tmp_path: Path, change, name: str | None = None) -> Path:
    data = parse_yaml(source.read_text())
    change(data)
    target = tmp_path / (name or source.name)
    target.write_text(yaml.safe_dump(data, sort_keys=False))
    return target


def problems(exc: DataFileError) -> list[tuple[str, str]]:
    return [(p.where, p.rule) for p in exc.problems]


ST0072 = STANDARD_DIR / "st0072.yaml"
HIGHFIELD = POLICY_DIR / "highfield.yaml"


def test_the_shipped_files_load():
    assert load_standard(ST0072).reference == "ST0072"
    assert set(all_policies()) == {"gateway-qualifications", "highfield", "nqual"}


@pytest.mark.parametrize(
    ("change", "where", "rule"),
    [
        (
            lambda d: d["modules"][0]["criteria"][0].update(level="merit"),
            "$.modules[0].criteria[0].level",
            "'merit' is not one of ['pass', 'distinction']",
        ),
        (
            lambda d: d["modules"][1]["criteria"][0].pop("text"),
            "$.modules[1].criteria[0]",
            "'text' is required",
        ),
        (
            lambda d: d["methods"][0].update(colour="blue"),
            "$.methods[0]",
            "unknown key ('colour' was unexpected)",
        ),
        (
            lambda d: d.update(reference="CSP2"),
            "$.reference",
            "'CSP2' does not match the pattern ^ST[0-9]{4}$",
        ),
        (
            lambda d: d["gateway"].update(min_days_on_programme="366"),
            "$.gateway.min_days_on_programme",
            "'366' must be of type integer",
        ),
    ],
)
def test_schema_errors_name_the_path_and_rule(tmp_path, change, where, rule):
    path = broken_copy(ST0072, tmp_path, change)
    with pytest.raises(DataFileError) as err:
        load_standard(path)
    assert err.value.file == str(path)
    assert (where, rule) in problems(err.value)
    assert f"{path}: {where}: {rule}" in str(err.value)


def test_duplicate_criterion_code(tmp_path):
    def duplicate(d):
        d["modules"][1]["criteria"][0]["code"] = d["modules"][0]["criteria"][0]["code"]

    with pytest.raises(DataFileError) as err:
        load_standard(broken_copy(ST0072, tmp_path, duplicate))
    where, rule = problems(err.value)[0]
    assert where == "$.modules[1].criteria[0].code"
    assert "is already defined at $.modules[0].criteria[0]" in rule


def test_unknown_ksb_reference(tmp_path):
    with pytest.raises(DataFileError) as err:
        load_standard(
            broken_copy(
                ST0072, tmp_path, lambda d: d["modules"][0]["criteria"][0].update(ksbs=["K99"])
            )
        )
    assert ("$.modules[0].criteria[0].ksbs[0]", "K99 is not in the ksbs list") in problems(
        err.value
    )


def test_threshold_above_the_number_of_distinction_criteria(tmp_path):
    def raise_threshold(d):
        next(m for m in d["methods"] if m["code"] == "discussion")["distinction_required"] = 5

    with pytest.raises(DataFileError) as err:
        load_standard(broken_copy(ST0072, tmp_path, raise_threshold))
    assert any(
        "requires 5 distinction criteria but the method has only 4" in rule
        for _, rule in problems(err.value)
    )


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("reference: ST0072\nmethods: [unclosed\n")
    with pytest.raises(DataFileError) as err:
        load_standard(path)
    assert "is not valid YAML" in str(err.value)
    assert "line" in problems(err.value)[0][0]


@pytest.mark.parametrize(
    ("change", "where", "rule"),
    [
        (
            lambda d: d["resits"].update(grade_cap="merit"),
            "$.resits.grade_cap",
            "'merit' is not one of ['pass', None]",
        ),
        (
            lambda d: d["gateway"].update(required_evidence=["selfie"]),
            "$.gateway.required_evidence[0]",
            "'selfie' is not one of",
        ),
        (lambda d: d["durations"].pop("observation"), "$.durations", "'observation' is required"),
        (
            lambda d: d["gateway"].update(notice_working_days=-1),
            "$.gateway.notice_working_days",
            "-1 is less than the minimum of 0",
        ),
        (
            lambda d: d["iqa_sampling"].update(sample_rate_percent=120),
            "$.iqa_sampling.sample_rate_percent",
            "120 is greater than the maximum of 100",
        ),
        (
            lambda d: d["iqa_sampling"].update(always_sample=["merit"]),
            "$.iqa_sampling.always_sample",
            "is not valid under any of the given schemas",
        ),
        (lambda d: d.pop("iqa_sampling"), "$", "'iqa_sampling' is required"),
    ],
)
def test_policy_errors_name_the_path_and_rule(tmp_path, change, where, rule):
    with pytest.raises(DataFileError) as err:
        load_policy(broken_copy(HIGHFIELD, tmp_path, change))
    assert any(w == where and rule in r for w, r in problems(err.value)), problems(err.value)


def test_a_period_has_months_or_working_days_not_both(tmp_path):
    def both(d):
        d["epa_window"] = {"anchor": "gateway", "months": 3, "working_days": 10}

    with pytest.raises(DataFileError) as err:
        load_policy(broken_copy(HIGHFIELD, tmp_path, both))
    assert problems(err.value)[0][0] == "$.epa_window"


def test_policy_code_must_match_the_file_name(tmp_path):
    with pytest.raises(DataFileError) as err:
        load_policy(broken_copy(HIGHFIELD, tmp_path, lambda d: None, name="acme.yaml"))
    assert problems(err.value) == [("$.code", "must equal the file name 'acme'")]


def test_a_fourth_epao_needs_only_a_file(tmp_path):
    def acme(d):
        d["code"] = "acme"
        d["name"] = "Acme Assessment"
        d["resits"]["grade_cap"] = "pass"

    policy = load_policy(broken_copy(HIGHFIELD, tmp_path, acme, name="acme.yaml"))
    assert policy.name == "Acme Assessment"
    assert policy.resits.grade_cap is not None


def test_a_fourth_epao_states_its_own_iqa_sampling_plan(tmp_path):
    def acme(d):
        d["code"] = "acme"
        d["iqa_sampling"] = {
            "new_assessor_first_decisions": 10,
            "sample_rate_percent": 12.5,
            "always_sample": ["fail"],
            "source": "Acme IQA strategy, section 3",
            "published_source": "Acme IQA strategy — Sampling",
        }

    policy = load_policy(broken_copy(HIGHFIELD, tmp_path, acme, name="acme.yaml"))
    assert policy.iqa_sampling.new_assessor_first_decisions == 10
    assert policy.iqa_sampling.sample_rate_percent == 12.5
    assert [g.value for g in policy.iqa_sampling.always_sample or ()] == ["fail"]
    assert policy.sources["iqa_sampling"] == "Acme IQA strategy, section 3"
