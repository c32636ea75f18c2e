"""EPAO policies as data: read, validate and turn a policy YAML file into a domain Policy.

Adding an EPAO is adding a file to ``data/`` (see data/README.md).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from openepa.datafiles import DataFileError, Problem, load_validated
from openepa.dated_data import change_problems, dated
from openepa.domain.policy import (
    Anchor,
    Duration,
    EnglishMathsRule,
    GatewayPolicy,
    IqaSamplingPolicy,
    MarkingPolicy,
    MissedAssessmentPolicy,
    Period,
    Policy,
    ResitPolicy,
    SpecialConsiderationPolicy,
)
from openepa.domain.standard import Grade

DATA_DIR = Path(__file__).with_name("data")
SCHEMA = Path(__file__).with_name("schema.yaml")


def load_policy(path: Path) -> Policy:
    data = load_validated(path, SCHEMA)
    if data["code"] != path.stem:
        raise DataFileError(path, [Problem("$.code", f"must equal the file name {path.stem!r}")])
    problems = change_problems(data["gateway"]["english_maths"], "$.gateway.english_maths")
    if problems:
        raise DataFileError(path, problems)
    return _build(data)


def _english_maths(raw: dict[str, Any]) -> EnglishMathsRule:
    return EnglishMathsRule(
        required_if_under_19_at_start=raw["required_if_under_19_at_start"],
        required_if_19_plus_at_start=raw["required_if_19_plus_at_start"],
        level_2_attempt_required=raw["level_2_attempt_required"],
        ehcp_entry_level_3=raw["ehcp_entry_level_3"],
        bsl_alternative=raw["bsl_alternative"],
        training_plan_decides_19_plus=raw.get("training_plan_decides_19_plus", False),
        restart_uses_original_start=raw.get("restart_uses_original_start", False),
    )


def _published_english_maths_summary(name: str, rule: EnglishMathsRule) -> str:
    """The EPAO's own rule in words, for the gateway review and the CLI."""
    who = (
        "every apprentice, whatever their age at the start"
        if rule.required_if_under_19_at_start and rule.required_if_19_plus_at_start
        else "apprentices aged 16 to 18 at the start; optional for those aged 19 or over"
        if rule.required_if_under_19_at_start
        else "no apprentice"
    )
    return f"The gateway requirement {name} publishes: English and maths for {who}"


def _period(raw: dict[str, Any] | None) -> Period | None:
    if raw is None:
        return None
    return Period(
        anchor=Anchor(raw["anchor"]),
        months=raw.get("months"),
        working_days=raw.get("working_days"),
        advisory=raw.get("advisory", False),
    )


def _sources(data: dict[str, Any], prefix: str = "", name: str = "source") -> dict[str, str]:
    """Every `source` citation in the file (or every `published_source` with
    name="published_source"), keyed by the dotted path of its section."""
    out: dict[str, str] = {}
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else key
        if key == name and isinstance(value, str):
            out[prefix or "policy"] = value
        elif isinstance(value, dict):
            out.update(_sources(value, path, name))
    return out


def _build(data: dict[str, Any]) -> Policy:
    gw = data["gateway"]
    em = gw["english_maths"]
    published = _english_maths(em)
    rs = data["resits"]
    sc = data["special_consideration"]
    return Policy(
        code=data["code"],
        name=data["name"],
        gateway=GatewayPolicy(
            english_maths=published,
            required_evidence=tuple(gw["required_evidence"]),
            showcase_format_chosen_at_gateway=gw["showcase_format_chosen_at_gateway"],
            showcase_submitted_at_gateway=gw["showcase_submitted_at_gateway"],
            notice_working_days=gw["notice_working_days"],
            english_maths_versions=dated(
                em,
                _english_maths,
                summary=_published_english_maths_summary(data["name"], published),
                source=em["published_source"],
            ),
        ),
        epa_window=_period(data["epa_window"]),
        results_deadline=_period(data["results_deadline"]),
        release_requires_iqa=data["release_requires_iqa"],
        resits=ResitPolicy(
            grade_cap=Grade(rs["grade_cap"]) if rs["grade_cap"] else None,
            grade_cap_note=rs["grade_cap_note"],
            window=_period(rs["window"]),
            all_methods_window=_period(rs["all_methods_window"]),
            retake_checklist_required=rs["retake_checklist_required"],
            resit_with_discussion_follow_up_minutes=rs["resit_with_discussion_follow_up_minutes"],
        ),
        durations={
            name: Duration(d["min_minutes"], d["max_minutes"], d["typical_minutes"])
            for name, d in data["durations"].items()
        },
        showcase_report_words_guide=data["showcase"]["report_words_guide"],
        portfolio_evidence_max=data["showcase"]["portfolio_evidence_max"],
        ai_declaration_required=data["showcase"]["ai_declaration_required"],
        special_consideration=SpecialConsiderationPolicy(
            before_working_days=sc["before_working_days"],
            after_working_days=sc["after_working_days"],
        ),
        enquiry_window=_period(data["cases"]["enquiry_window"]),
        appeal_window=_period(data["cases"]["appeal_window"]),
        sources=_sources(data),
        published_sources=_sources(data, name="published_source"),
        iqa_sampling=_iqa_sampling(data["iqa_sampling"]),
        response_working_days=(data.get("allocations") or {}).get("response_working_days"),
        marking=MarkingPolicy(
            notes_required_for=frozenset(data["marking"]["evidence_note_required_for"])
        ),
        missed_assessments=MissedAssessmentPolicy(
            counts_as_attempt=data["missed_assessments"]["counts_as_attempt"]
        ),
    )


def _iqa_sampling(raw: dict[str, Any]) -> IqaSamplingPolicy:
    always = raw["always_sample"]
    return IqaSamplingPolicy(
        new_assessor_first_decisions=raw["new_assessor_first_decisions"],
        sample_rate_percent=raw["sample_rate_percent"],
        always_sample=None if always is None else tuple(Grade(g) for g in always),
    )


@cache
def all_policies() -> dict[str, Policy]:
    """Every policy in data/, keyed by code. Loaded once per process."""
    return {path.stem: load_policy(path) for path in sorted(DATA_DIR.glob("*.yaml"))}


def get_policy(code: str) -> Policy | None:
    return all_policies().get(code)
