"""Standards as data: read, validate and turn a standard's YAML file into domain objects.

Adding a standard is adding a file to ``data/``; nothing here names ST0072.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from openepa.datafiles import DataFileError, Problem, load_validated
from openepa.dated_data import change_problems, dated, source_words
from openepa.domain.standard import (
    Amplification,
    AssessmentMethod,
    Criterion,
    GatewayRequirements,
    InteractionMode,
    Level,
    Method,
    Module,
    Prompt,
    Standard,
)

DATA_DIR = Path(__file__).with_name("data")
SCHEMA = Path(__file__).with_name("schema.yaml")


def load_standard(path: Path) -> Standard:
    """Load one standard file; raises DataFileError naming the file, path and rule."""
    data = load_validated(path, SCHEMA)
    problems = _consistency_problems(data) + change_problems(data["gateway"], "$.gateway")
    if problems:
        raise DataFileError(path, problems)
    return _build(data)


def _consistency_problems(data: dict[str, Any]) -> list[Problem]:
    """Rules a JSON Schema cannot express: uniqueness and cross-references."""
    problems: list[Problem] = []
    method_codes = [m["code"] for m in data["methods"]]
    for i, code in enumerate(method_codes):
        if method_codes.index(code) != i:
            problems.append(Problem(f"$.methods[{i}].code", f"method {code!r} is listed twice"))
    ksb_codes = {k["code"] for k in data["ksbs"]}
    seen: dict[str, str] = {}
    distinction_count = dict.fromkeys(method_codes, 0)
    for mi, module in enumerate(data["modules"]):
        for ci, crit in enumerate(module["criteria"]):
            where = f"$.modules[{mi}].criteria[{ci}]"
            code = crit["code"]
            if code in seen:
                problems.append(
                    Problem(f"{where}.code", f"{code} is already defined at {seen[code]}")
                )
            seen[code] = where
            if crit["method"] not in method_codes:
                problems.append(
                    Problem(
                        f"{where}.method", f"{crit['method']!r} is not a method of this standard"
                    )
                )
            elif crit["level"] == "distinction":
                distinction_count[crit["method"]] += 1
            for ki, ksb in enumerate(crit["ksbs"]):
                if ksb not in ksb_codes:
                    problems.append(
                        Problem(f"{where}.ksbs[{ki}]", f"{ksb} is not in the ksbs list")
                    )
            if "interaction_mode" in crit and "wording_by_mode" in crit:
                problems.append(
                    Problem(
                        where,
                        "a criterion has either one interaction_mode or wording_by_mode, not both",
                    )
                )
    for i, method in enumerate(data["methods"]):
        available = distinction_count.get(method["code"], 0)
        if method["distinction_required"] > available:
            problems.append(
                Problem(
                    f"$.methods[{i}].distinction_required",
                    f"requires {method['distinction_required']} distinction criteria "
                    f"but the method has only {available}",
                )
            )
        target = method["carry_over_to"]
        if target is not None and (target not in method_codes or target == method["code"]):
            problems.append(
                Problem(
                    f"$.methods[{i}].carry_over_to",
                    f"{target!r} must be another method of this standard",
                )
            )
    return problems


def _build(data: dict[str, Any]) -> Standard:
    modules: list[Module] = []
    criteria: list[Criterion] = []
    for module in data["modules"]:
        modules.append(
            Module(
                code=module["code"],
                name=module["name"],
                prompts=tuple(
                    Prompt(p["kind"], tuple(p["items"])) for p in module.get("prompts", [])
                ),
            )
        )
        for crit in module["criteria"]:
            criteria.append(
                Criterion(
                    code=crit["code"],
                    text=crit["text"],
                    level=Level(crit["level"]),
                    method=Method(crit["method"]),
                    module=module["code"],
                    interaction_mode=InteractionMode(crit["interaction_mode"])
                    if "interaction_mode" in crit
                    else None,
                    wording_by_mode={
                        InteractionMode(k): v for k, v in crit.get("wording_by_mode", {}).items()
                    },
                    outcome=crit["outcome"],
                    amplification=tuple(
                        Amplification(a["term"], a["text"]) for a in crit.get("amplification", [])
                    ),
                    ksbs=tuple(crit["ksbs"]),
                    guidance=crit.get("guidance", ""),
                )
            )
    methods = tuple(
        sorted(
            (
                AssessmentMethod(
                    code=Method(m["code"]),
                    name=m["name"],
                    order=m["order"],
                    distinction_required=m["distinction_required"],
                    weight_percent=m["weight_percent"],
                    carry_over_to=Method(m["carry_over_to"]) if m["carry_over_to"] else None,
                )
                for m in data["methods"]
            ),
            key=lambda m: m.order,
        )
    )
    return Standard(
        reference=data["reference"],
        version=data["version"],
        title=data["title"],
        level=data["level"],
        assessment_plan=data["assessment_plan"],
        assessment_plan_version=data.get("assessment_plan_version"),
        qualification_number=data.get("qualification_number"),
        methods=methods,
        modules=tuple(modules),
        criteria=tuple(criteria),
        ksbs={k["code"]: k["text"] for k in data["ksbs"]},
        gateway=_gateway(data["gateway"]),
        option=data["option"],
        sources=dict(data["sources"]),
        published_sources=dict(data["published_sources"]),
        gateway_versions=dated(
            data["gateway"],
            _gateway,
            summary="The minimum time on programme before gateway",
            source=_figure_sources(data["gateway"]),
        ),
    )


def _gateway(raw: dict[str, Any]) -> GatewayRequirements:
    return GatewayRequirements(
        min_days_on_programme=raw["min_days_on_programme"],
        min_months_on_programme=raw["min_months_on_programme"],
    )


def _figure_sources(raw: dict[str, Any]) -> str:
    """Where each figure is published, in words; the maintainers' citation when the file
    names no published document."""
    figures = raw.get("figure_sources", {})
    if not figures:
        return str(raw["source"])
    words = {"min_months_on_programme": "months", "min_days_on_programme": "days"}
    return "; ".join(
        f"{raw[key]} {words[key]}: {source_words(sources)}" for key, sources in figures.items()
    )


@cache
def all_standards() -> dict[str, Standard]:
    """Every standard in data/, keyed by reference. Loaded once per process."""
    found: dict[str, Standard] = {}
    for path in sorted(DATA_DIR.glob("*.yaml")):
        standard = load_standard(path)
        if standard.reference in found:
            raise DataFileError(
                path, [Problem("$.reference", f"{standard.reference} is defined by two files")]
            )
        found[standard.reference] = standard
    return found


def get_standard(reference: str) -> Standard | None:
    return all_standards().get(reference.upper())
