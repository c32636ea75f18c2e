"""Grading a whole EPA from its attempts: validation of the marking sheet, carry-over from
the observation to the discussion, the latest attempt of each method, and the resit cap.

Sources: see openepa.domain.grading (seed 000 §2.8 and §4, seed 002, seed 003 §5, seed 004).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from openepa.domain.grading import (
    Attempt,
    AttemptKind,
    EpaResult,
    MethodResult,
    Outcome,
    OverallGrade,
    SheetError,
    cap_grade,
    grade_method,
    overall_grade,
    resit_refusal,
)
from openepa.domain.policy import Policy
from openepa.domain.standard import Grade, InteractionMode, Method, Standard


@dataclass
class _Graded:
    """One attempt of one method while the sheet is read in date order."""

    index: int  # position in the submitted list, for error paths
    attempt: Attempt
    number: int
    outcomes: dict[str, Outcome]
    #: Carried-over criteria still waiting for the discussion that follows.
    pending: set[str] = field(default_factory=set)


def _where(index: int, code: str | None = None) -> str:
    return f"attempts[{index}]" + (f".judgements.{code}" if code else "")


def _mode_names(modes: frozenset[InteractionMode]) -> str:
    return " and ".join(sorted(m.value for m in modes))


def _check_judgement(
    standard: Standard,
    modes: frozenset[InteractionMode],
    index: int,
    attempt: Attempt,
    code: str,
    carry_source: _Graded | None,
) -> bool:
    """Validate one judgement; True when it resolves a criterion carried over to this attempt."""
    criterion = standard.criterion(code)
    where = _where(index, code)
    if criterion is None:
        raise SheetError(where, f"{code} is not a criterion of {standard.reference}")
    judgement = attempt.judgements[code]
    if not criterion.applies_to(modes):
        assert criterion.interaction_mode is not None
        raise SheetError(
            where,
            f"{code} applies only to {criterion.interaction_mode.value} roles; the apprentice's "
            f"interaction modes are {_mode_names(modes)}",
        )
    if criterion.method != attempt.method:
        carried_here = carry_source is not None and code in carry_source.pending
        if standard.method(criterion.method).carry_over_to == attempt.method and not carried_here:
            raise SheetError(
                where,
                f"{code} is a {criterion.method.value} criterion that was not carried over to "
                f"this {attempt.method.value}; only criteria not evidenced in the "
                f"{criterion.method.value} before it may be judged here",
            )
        if not carried_here:
            raise SheetError(
                where,
                f"{code} is assessed in the {criterion.method.value}, not the {attempt.method.value}",
            )
        if judgement.outcome == Outcome.CARRIED_OVER:
            raise SheetError(where, f"{code} was already carried over once and must be judged here")
        return True
    if judgement.outcome == Outcome.CARRIED_OVER:
        target = standard.method(attempt.method).carry_over_to
        if target is None:
            raise SheetError(
                where,
                f"only observation criteria can be carried over; {code} is a {attempt.method.value} criterion",
            )
        if judgement.attempted:
            raise SheetError(
                where,
                f"{code} was attempted and not met, so it cannot be carried over to the {target.value}; "
                "only a criterion whose situation did not arise can",
            )
    return False


def method_order_problem(
    standard: Standard, dated: Sequence[tuple[Method, date]]
) -> tuple[int, int] | None:
    """The first pair (later, earlier) of indexes into ``dated`` where a method is dated
    before the method it follows, else None.

    Seed 000 §2.4 (assessment overview: the practical observation comes before the
    professional discussion), seed 002 and seed 003 §5 (not-evidenced observation criteria
    are carried over *to the discussion that follows*): every attempt of a method that
    another method's criteria carry over to is dated on or after that method's first
    attempt. The same rule is applied by the booking form, the marking pages and
    ``openepa grade``."""
    for earlier in standard.methods:
        follows = earlier.carry_over_to
        if follows is None:
            continue
        firsts = [i for i, (m, _) in enumerate(dated) if m == earlier.code]
        if not firsts:
            continue
        first = min(firsts, key=lambda i: (dated[i][1], i))
        for i, (method, on) in enumerate(dated):
            if method == follows and on < dated[first][1]:
                return i, first
    return None


def method_order_words(
    standard: Standard,
    later: tuple[Method, date],
    earlier: tuple[Method, date],
    day: Callable[[date], str] = date.isoformat,
) -> str:
    """The order rule broken, naming both methods and both dates (``day`` writes a date)."""
    return (
        f"the {standard.method(later[0]).name.lower()} on {day(later[1])} is dated "
        f"before the {standard.method(earlier[0]).name.lower()} on {day(earlier[1])} "
        "that it follows; the practical observation comes before the professional discussion"
    )


def missing_notes(policy: Policy, judgements: Mapping[str, tuple[str, str]]) -> list[str]:
    """Criteria (in the given order) whose judgement needs an evidence note and has none.

    ``judgements`` maps criterion code to (outcome value, note). Which judgements need a
    note is the policy's ``marking.evidence_note_required_for`` (every judgement in each
    seeded policy: the evidence behind each decision is kept for IQA, enquiries and
    appeals, Ofqual's General Conditions on records)."""
    return [
        code
        for code, (outcome, note) in judgements.items()
        if outcome in policy.marking.notes_required_for and not note.strip()
    ]


def grade_epa(
    standard: Standard,
    policy: Policy,
    modes: frozenset[InteractionMode],
    attempts: Sequence[Attempt],
) -> EpaResult:
    """Validate a marking sheet and grade the EPA. Raises SheetError naming field and rule.

    - Attempts are read in date order (list order breaks ties); the latest attempt of each
      method counts (seed 002: a resit or retake re-attempts the method in full).
    - A carried-over observation criterion is judged in the next discussion attempt. A
      discussion attempt that judges only carried-over criteria is the observation's
      follow-up (seed 002: failed observation → resit plus a 30-minute discussion
      follow-up) and is not an attempt of the discussion itself.
    - Attempt 1 of a method is ``first``; later ones are ``resit`` or ``retake`` and are
      refused after a Pass (seed 000 §4, 002, 004).
    - The policy's grade cap applies once any method was resat or retaken (seed 004).
    """
    if not modes:
        raise SheetError("interaction_modes", "at least one interaction mode is required")
    dated = [(a.method, a.date) for a in attempts]
    wrong = method_order_problem(standard, dated)
    if wrong is not None:
        later, earlier = wrong
        source = standard.published_sources.get("method_order")
        raise SheetError(
            f"{_where(later)}.date",
            method_order_words(standard, dated[later], dated[earlier])
            + (f" ({source})" if source else ""),
        )
    order = sorted(range(len(attempts)), key=lambda i: (attempts[i].date, i))
    latest: dict[Method, _Graded] = {}
    last_carry_source: _Graded | None = None  # the observation whose carries are open
    for index in order:
        attempt = attempts[index]
        resolved = {
            code
            for code in attempt.judgements
            if _check_judgement(standard, modes, index, attempt, code, last_carry_source)
        }
        if resolved and last_carry_source is not None:
            for code in resolved:
                last_carry_source.outcomes[code] = attempt.judgements[code].outcome
            missing_carry = sorted(last_carry_source.pending - resolved)
            if missing_carry:
                raise SheetError(
                    _where(index),
                    f"{', '.join(missing_carry)} carried over from the observation must be judged in "
                    "this discussion",
                )
            last_carry_source.pending.clear()
            last_carry_source = None
        own = {c: j for c, j in attempt.judgements.items() if c not in resolved}
        if attempt.kind == AttemptKind.FOLLOW_UP:
            _check_follow_up(standard, index, attempt, resolved, own)
        if resolved and not own:
            continue  # a follow-up discussion for carried-over criteria only
        applicable = standard.criteria_for(attempt.method, modes)
        missing = [c.code for c in applicable if c.code not in own]
        if missing:
            raise SheetError(
                _where(index) + ".judgements",
                f"every applicable {attempt.method.value} criterion needs a judgement; missing: "
                f"{', '.join(missing)}",
            )
        previous = latest.get(attempt.method)
        _check_kind(standard, modes, index, attempt, previous)
        if last_carry_source is not None and attempt.method == last_carry_source.attempt.method:
            # A new observation before the discussion judged the old one's carries.
            raise SheetError(
                _where(index),
                f"the previous {attempt.method.value} still has carried-over criteria "
                f"({', '.join(sorted(last_carry_source.pending))}) awaiting a discussion",
            )
        graded = _Graded(
            index=index,
            attempt=attempt,
            number=(previous.number + 1) if previous else 1,
            outcomes={c: j.outcome for c, j in own.items()},
        )
        graded.pending = {c for c, o in graded.outcomes.items() if o == Outcome.CARRIED_OVER}
        if graded.pending:
            last_carry_source = graded
        latest[attempt.method] = graded
    return _result(standard, policy, modes, latest, attempts)


def _attempt_grade(
    standard: Standard, modes: frozenset[InteractionMode], graded: _Graded
) -> MethodResult:
    return grade_method(
        standard,
        graded.attempt.method,
        modes,
        graded.outcomes,
        attempt=graded.number,
        kind=graded.attempt.kind,
    )


def _check_follow_up(
    standard: Standard,
    index: int,
    attempt: Attempt,
    resolved: set[str],
    own: Mapping[str, object],
) -> None:
    """A 'follow_up' attempt is a discussion that judges only carried-over criteria (seed 002)."""
    where = f"{_where(index)}.kind"
    targets = {m.carry_over_to for m in standard.methods if m.carry_over_to is not None}
    if attempt.method not in targets:
        raise SheetError(
            where,
            f"a 'follow_up' must be a discussion of carried-over observation criteria, not a "
            f"{attempt.method.value}",
        )
    if own or not resolved:
        raise SheetError(
            where,
            "a 'follow_up' judges only criteria carried over from the observation and nothing else",
        )


def _check_kind(
    standard: Standard,
    modes: frozenset[InteractionMode],
    index: int,
    attempt: Attempt,
    previous: _Graded | None,
) -> None:
    where = f"{_where(index)}.kind"
    if previous is None:
        if attempt.kind != AttemptKind.FIRST:
            raise SheetError(
                where,
                f"the first attempt of the {attempt.method.value} must be 'first', not {attempt.kind.value!r}",
            )
        return
    if attempt.kind == AttemptKind.FIRST:
        raise SheetError(
            where,
            f"attempt {previous.number + 1} of the {attempt.method.value} must be a 'resit' or 'retake'",
        )
    refusal = resit_refusal(_attempt_grade(standard, modes, previous).grade)
    if refusal:
        raise SheetError(where, f"{refusal} (the {attempt.method.value} attempt {previous.number})")


def _result(
    standard: Standard,
    policy: Policy,
    modes: frozenset[InteractionMode],
    latest: dict[Method, _Graded],
    attempts: Sequence[Attempt],
) -> EpaResult:
    results = {
        m.code: _attempt_grade(standard, modes, latest[m.code])
        for m in standard.methods
        if m.code in latest
    }
    reasons = [
        f"no attempt of the {m.code.value} yet" for m in standard.methods if m.code not in latest
    ]
    grades: list[Grade | None] = [
        results[m.code].grade if m.code in results else None for m in standard.methods
    ]
    uncapped = overall_grade(grades)
    resat = [a.method.value for a in attempts if a.kind in {AttemptKind.RESIT, AttemptKind.RETAKE}]
    overall = cap_grade(uncapped, policy.resits.grade_cap) if resat else uncapped
    capped = overall != uncapped
    for m in standard.methods:
        if m.code in results and results[m.code].grade == Grade.FAIL:
            reasons.append(
                f"the {m.code.value} was failed: any method failed means the EPA is failed"
            )
    if uncapped == OverallGrade.DISTINCTION and not capped:
        reasons.append("every method achieved a distinction")
    elif uncapped in {OverallGrade.PASS, OverallGrade.DISTINCTION} and not capped:
        below = [m.code.value for m in standard.methods if results[m.code].grade == Grade.PASS]
        reasons.append(
            f"every method passed; not a distinction because {', '.join(below)} achieved a pass"
        )
    if capped:
        reasons.append(
            f"capped at {overall.value} by the {policy.name} policy because "
            f"{', '.join(sorted(set(resat)))} was resat or retaken (would otherwise be {uncapped.value})"
        )
    passed = tuple(m for m, r in results.items() if r.grade in {Grade.PASS, Grade.DISTINCTION})
    return EpaResult(
        methods=results,
        overall=overall,
        capped=capped,
        reasons=tuple(reasons),
        passed_methods=passed,
    )
