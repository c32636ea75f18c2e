"""The grade a sheet would give, from outcomes that may not be saved yet. The rule is the
domain's (grade_method); this module only words it for the assessor."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from openepa.assessments.layout import Line
from openepa.domain.grading import Outcome, grade_method
from openepa.domain.standard import Grade, InteractionMode, Method, Standard

LABELS = {Grade.FAIL: "Fail", Grade.PASS: "Pass", Grade.DISTINCTION: "Distinction"}
_VALID = {o.value for o in Outcome}


@dataclass(frozen=True)
class GradeLine:
    title: str
    label: str
    tag: str  # CSS modifier: fail / pass / distinction / pending
    details: tuple[str, ...]


def method_line(
    standard: Standard,
    method: Method,
    modes: frozenset[InteractionMode],
    outcomes: Mapping[str, str],
    *,
    title: str | None = None,
) -> GradeLine:
    """One method's grade from the outcome of each applicable criterion ('' = not judged)."""
    applicable = standard.criteria_for(method, modes)
    result = grade_method(
        standard,
        method,
        modes,
        {code: Outcome(o) for code, o in outcomes.items() if o in _VALID},
    )
    counts = (
        f"Pass criteria met: {result.pass_met} of {result.pass_required}. "
        f"Distinction criteria met: {result.distinction_met} "
        f"({result.distinction_required} needed for a distinction)."
    )
    heading = title or standard.method(method).name
    blank = [c.code for c in applicable if not outcomes.get(c.code)]
    if blank:
        # A blank outcome is not a "not met": saying Fail would mislead mid-assessment.
        return GradeLine(
            heading,
            "Not complete",
            "pending",
            (f"{len(blank)} of {len(applicable)} criteria still need an outcome.", counts),
        )
    if result.grade is None:
        return GradeLine(
            heading, "Awaiting the discussion", "pending", (*_sentence(result.reasons), counts)
        )
    return GradeLine(
        heading, LABELS[result.grade], result.grade.value, (*_sentence(result.reasons), counts)
    )


def _sentence(reasons: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(r[0].upper() + r[1:] + "." for r in reasons)


def sheet_preview(
    standard: Standard,
    method: Method,
    modes: frozenset[InteractionMode],
    lines: list[Line],
    outcomes: Mapping[str, str],
    *,
    source_outcomes: Mapping[str, str] | None = None,
) -> list[GradeLine]:
    """This sheet's method grade and, for a discussion judging carried-over criteria, the
    observation's grade with those judgements in (seed 002)."""
    own = {line.criterion.code: outcomes.get(line.criterion.code, "") for line in lines}
    result = [method_line(standard, method, modes, own)]
    carried = [line for line in lines if line.carried]
    if carried and source_outcomes is not None:
        source = carried[0].criterion.method
        merged = dict(source_outcomes)
        for line in carried:
            code = line.criterion.code
            merged[code] = outcomes.get(code) or Outcome.CARRIED_OVER.value
        name = standard.method(source).name
        result.append(
            method_line(
                standard,
                source,
                modes,
                merged,
                title=f"{name}, with the carried-over criteria judged here",
            )
        )
    return result
