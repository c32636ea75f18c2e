"""Grading: from an assessor's judgements to method grades and the overall EPA grade.

Sources (seed files listed in DESIGN.md):
- Method thresholds: seed 000 §2.8, seed 002 (grading sections), seed 003 §5, seed 004 —
  every applicable pass criterion met → Pass; and at least N distinction criteria met →
  Distinction (N per method is data in the standard file: 7 of 10, 4 of 5, 3 of 4).
- Overall: seed 000 §2.8, seed 002, seed 004 — any method Fail → Fail; all Distinction →
  Distinction; otherwise Pass.
- Carry-over: seed 002 — observation criteria not evidenced because the situation did not
  arise may be carried over to the discussion; a criterion attempted and not met cannot.
- Resits and retakes: seed 002 — re-attempt the whole method; seed 000 §4, 002, 004 — none
  to improve a Pass; the grade cap after a resit or retake is policy data (004 caps at Pass).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from openepa.domain.jsontypes import JsonObject
from openepa.domain.standard import Grade, InteractionMode, Level, Method, Standard


class Outcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_EVIDENCED = "not_evidenced"
    CARRIED_OVER = "carried_over"


class AttemptKind(StrEnum):
    FIRST = "first"
    RESIT = "resit"  # no further learning needed (seed 002, 003 §8)
    RETAKE = "retake"  # after further learning and a retake checklist (seed 002)
    #: Seed 002: after a failed observation, a resit "along with an additional professional
    #: discussion follow-up of 30 minutes" for criteria whose situation did not arise. A
    #: discussion that judges only carried-over observation criteria; not a discussion attempt.
    FOLLOW_UP = "follow_up"


class OverallGrade(StrEnum):
    FAIL = "fail"
    PASS = "pass"
    DISTINCTION = "distinction"
    INCOMPLETE = "incomplete"


class SheetError(ValueError):
    """A marking sheet that breaks a rule; names the field and the rule."""

    def __init__(self, where: str, rule: str) -> None:
        self.where = where
        self.rule = rule
        super().__init__(f"{where}: {rule}")


@dataclass(frozen=True)
class Judgement:
    outcome: Outcome
    #: The assessor saw the situation arise and the apprentice tried; such a criterion
    #: cannot be carried over even when not met (seed 002).
    attempted: bool = False
    note: str = ""


@dataclass(frozen=True)
class Attempt:
    method: Method
    kind: AttemptKind
    date: date
    judgements: Mapping[str, Judgement]


@dataclass(frozen=True)
class MethodResult:
    method: Method
    grade: Grade | None  # None while carried-over criteria await the discussion
    attempt: int
    kind: AttemptKind
    pass_met: int
    pass_required: int
    distinction_met: int
    distinction_required: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class EpaResult:
    methods: dict[Method, MethodResult]
    overall: OverallGrade
    capped: bool
    reasons: tuple[str, ...]
    #: Methods with a Pass or Distinction that may not be resat or retaken.
    passed_methods: tuple[Method, ...] = field(default=())


def method_result_fields(result: MethodResult) -> JsonObject:
    """A method result as plain JSON-ready values: the CLI prints them and a released
    result stores them, so both say the same thing in the same words."""
    return {
        "grade": result.grade.value if result.grade else None,
        "attempt": result.attempt,
        "kind": result.kind.value,
        "pass_met": result.pass_met,
        "pass_required": result.pass_required,
        "distinction_met": result.distinction_met,
        "distinction_required": result.distinction_required,
        "reasons": list(result.reasons),
    }


def method_grade(
    *, pass_met: int, pass_required: int, distinction_met: int, distinction_required: int
) -> Grade:
    """The threshold rule (seed 000 §2.8; seed 003 §5): all pass criteria, then N distinction."""
    if pass_met < pass_required:
        return Grade.FAIL
    if distinction_met >= distinction_required:
        return Grade.DISTINCTION
    return Grade.PASS


def overall_grade(grades: Iterable[Grade | None]) -> OverallGrade:
    """Overall EPA grade (seed 000 §2.8, seed 002, seed 004).

    Any method not yet graded → incomplete; any Fail → Fail; all Distinction → Distinction;
    otherwise Pass. (Seed 003 §8's weighted average is kept as data only: all three EPAOs
    apply this rule.)
    """
    listed = list(grades)
    if not listed or any(g is None for g in listed):
        return OverallGrade.INCOMPLETE
    if Grade.FAIL in listed:
        return OverallGrade.FAIL
    if all(g == Grade.DISTINCTION for g in listed):
        return OverallGrade.DISTINCTION
    return OverallGrade.PASS


def cap_grade(grade: OverallGrade, cap: Grade | None) -> OverallGrade:
    """Apply a policy's post-resit cap (seed 004: maximum EPA grade Pass; seed 000 v1.1: none)."""
    if cap is None or grade in {OverallGrade.FAIL, OverallGrade.INCOMPLETE}:
        return grade
    return OverallGrade(cap.value) if Grade(grade.value).rank > cap.rank else grade


def resit_refusal(previous: Grade | None) -> str | None:
    """Why a resit or retake may not be taken, or None (seed 000 §4, seed 002, seed 004)."""
    if previous in {Grade.PASS, Grade.DISTINCTION}:
        return "a resit or retake cannot be taken to improve a Pass or Distinction"
    if previous is None:
        return (
            "a resit or retake follows a failed attempt, and the previous attempt has no grade yet"
        )
    return None


def grade_method(
    standard: Standard,
    method: Method,
    modes: frozenset[InteractionMode],
    outcomes: Mapping[str, Outcome],
    *,
    attempt: int = 1,
    kind: AttemptKind = AttemptKind.FIRST,
) -> MethodResult:
    """Grade one attempt of one method from the outcome of each applicable criterion.

    ``outcomes`` holds the final outcome of every applicable criterion; a carried-over
    criterion is either resolved (the discussion's judgement) or still CARRIED_OVER, which
    leaves the method ungraded. Criteria that do not apply to the interaction modes are
    not counted (seed 001, 002, 003: S9.1–S9.3 face-to-face, S9.4–S9.6 non-facing).
    """
    pass_codes = [c.code for c in standard.criteria_for(method, modes, Level.PASS)]
    dist_codes = [c.code for c in standard.criteria_for(method, modes, Level.DISTINCTION)]
    required = standard.method(method).distinction_required
    pass_met = sum(outcomes.get(code) == Outcome.MET for code in pass_codes)
    dist_met = sum(outcomes.get(code) == Outcome.MET for code in dist_codes)
    waiting = [c for c in pass_codes + dist_codes if outcomes.get(c) == Outcome.CARRIED_OVER]
    reasons: list[str] = []
    grade: Grade | None
    if waiting:
        grade = None
        reasons.append(f"awaiting the discussion's judgement of carried-over {', '.join(waiting)}")
    else:
        grade = method_grade(
            pass_met=pass_met,
            pass_required=len(pass_codes),
            distinction_met=dist_met,
            distinction_required=required,
        )
    unmet = [c for c in pass_codes if outcomes.get(c) not in {Outcome.MET, Outcome.CARRIED_OVER}]
    if unmet:
        reasons.append(f"pass criteria not met: {', '.join(unmet)}")
    if grade == Grade.DISTINCTION:
        reasons.append(
            f"all {len(pass_codes)} pass criteria met and {dist_met} of {len(dist_codes)} "
            f"distinction criteria met ({required} needed)"
        )
    elif grade == Grade.PASS:
        reasons.append(
            f"all {len(pass_codes)} pass criteria met; {dist_met} of {len(dist_codes)} "
            f"distinction criteria met ({required} needed for a distinction)"
        )
    elif grade == Grade.FAIL:
        reasons.append(
            f"{pass_met} of {len(pass_codes)} pass criteria met; every one is needed to pass"
        )
    return MethodResult(
        method=method,
        grade=grade,
        attempt=attempt,
        kind=kind,
        pass_met=pass_met,
        pass_required=len(pass_codes),
        distinction_met=dist_met,
        distinction_required=required,
        reasons=tuple(reasons),
    )
