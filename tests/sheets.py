"""Builders of marking sheets for tests: judgements that meet exactly what a test needs."""

from __future__ import annotations

from datetime import date
from typing import Any

from openepa.domain.grading import Attempt, AttemptKind, Judgement, Outcome
from openepa.domain.standard import InteractionMode, Level, Method, Standard

F2F = frozenset({InteractionMode.FACE_TO_FACE})
NON_FACING = frozenset({InteractionMode.NON_FACING})
BOTH = F2F | NON_FACING


def outcomes(
    standard: Standard,
    method: Method,
    modes: frozenset[InteractionMode] = F2F,
    *,
    distinction_met: int = 0,
    overrides: dict[str, Outcome] | None = None,
) -> dict[str, Outcome]:
    """Every applicable pass criterion met, the first `distinction_met` distinction criteria
    met and the rest not met; then `overrides` applied."""
    out = {c.code: Outcome.MET for c in standard.criteria_for(method, modes, Level.PASS)}
    for i, c in enumerate(standard.criteria_for(method, modes, Level.DISTINCTION)):
        out[c.code] = Outcome.MET if i < distinction_met else Outcome.NOT_MET
    out.update(overrides or {})
    return out


def attempt(
    method: Method,
    when: date,
    marks: dict[str, Outcome],
    kind: AttemptKind = AttemptKind.FIRST,
    attempted: frozenset[str] = frozenset(),
) -> Attempt:
    return Attempt(
        method=method,
        kind=kind,
        date=when,
        judgements={code: Judgement(o, attempted=code in attempted) for code, o in marks.items()},
    )


def sheet_json(
    policy: str,
    attempts: list[tuple[str, str, str, dict[str, str]]],
    modes: tuple[str, ...] = ("face_to_face",),
) -> dict[str, Any]:
    """A marking sheet as the CLI reads it: attempts as (method, kind, date, judgements)."""
    return {
        "standard": "ST0072",
        "policy": policy,
        "interaction_modes": list(modes),
        "attempts": [
            {"method": m, "kind": k, "date": d, "judgements": j} for (m, k, d, j) in attempts
        ],
    }


def as_strings(marks: dict[str, Outcome]) -> dict[str, str]:
    return {code: o.value for code, o in marks.items()}


# The three methods' distinction thresholds (seed 000 §2.8, 003 §5) for readable tests.
SHOWCASE, OBSERVATION, DISCUSSION = Method.SHOWCASE, Method.OBSERVATION, Method.DISCUSSION
