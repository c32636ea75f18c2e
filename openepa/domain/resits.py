"""What follows a failed EPA: which methods are re-attempted, by when, and on what terms.

Sources (seed files listed in DESIGN.md):
- Seed 000 §4 (Gateway Qualifications v1.1): a resit or retake "must be taken within three
  months of the fail notification, otherwise the entire EPA must be taken again, unless ...
  exceptional circumstances"; no resit or retake to move from a pass to a distinction; the
  v1.1 change log removed the grade cap.
- Seed 002 (Highfield): methods are re-attempted in full; a pass cannot be resat for a
  higher grade; a retake needs a period of further learning and a retake checklist; a failed
  observation is resat "along with an additional professional discussion follow-up of 30
  minutes if a suitable situation to evidence the criteria did not occur". No deadline and
  no cap are stated.
- Seed 003 §8: a resit is taken without further learning (the employer bears its cost), a
  retake after further learning.
- Seed 004 (NQual): "All assessment methods must be taken within a 6-month period, otherwise
  the entire EPA will need to be resat / retaken"; "a maximum EPA grade of Pass" after any
  resit or retake.

Every number comes from the EPAO's policy file; where the policy is silent the deadline is
None and nothing is enforced (openepa.domain.policy).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openepa.domain.dates import all_methods_deadline, resit_deadline
from openepa.domain.grading import EpaResult, OverallGrade
from openepa.domain.policy import Policy
from openepa.domain.standard import Grade, Method


@dataclass(frozen=True)
class ResitPlan:
    """The next step after a failed EPA, as shown on the result page and the dashboards."""

    #: Failed methods, to be re-attempted in full (seed 002), in the standard's order.
    methods: tuple[Method, ...]
    #: Passed methods: never resat or retaken (seed 000 §4, 002, 004).
    passed: tuple[Method, ...]
    #: Last day for the resit or retake (seed 000 §4); None where the policy is silent.
    deadline: date | None
    #: Last day by which every method must have been taken (seed 004); None where silent.
    all_methods_deadline: date | None
    #: A deadline has passed: the whole EPA is taken again unless exceptional
    #: circumstances are recorded (seed 000 §4; seed 004).
    expired: bool
    #: A retake needs further learning and the retake checklist (seed 002).
    retake_checklist_required: bool
    #: The grade cap after a resit or retake, in words, with its source.
    cap_statement: str
    #: Highfield's discussion follow-up after a failed observation (seed 002), or None.
    follow_up_note: str | None

    @property
    def next_deadline(self) -> date | None:
        """The earliest deadline that applies, or None when the policy sets none."""
        stated = [d for d in (self.deadline, self.all_methods_deadline) if d is not None]
        return min(stated) if stated else None


def grade_cap_statement(policy: Policy) -> str:
    """The policy's grade cap after a resit or retake, in words, citing its seed (seed 004:
    NQual caps at Pass; seed 000: Gateway Qualifications v1.1 removed the cap; seed 002:
    Highfield states none). The words are policy data (``resits.grade_cap_note``)."""
    return policy.resits.grade_cap_note


def follow_up_note(policy: Policy, failed: tuple[Method, ...]) -> str | None:
    """Seed 002: a failed observation is resat with an additional professional discussion
    follow-up (30 minutes) when a suitable situation to evidence the criteria did not occur."""
    minutes = policy.resits.resit_with_discussion_follow_up_minutes
    if minutes is None or Method.OBSERVATION not in failed:
        return None
    return (
        f"The observation is resat along with an additional {minutes}-minute professional "
        "discussion follow-up if a suitable situation to evidence the criteria did not occur"
        f" ({policy.cite('resits')})"
    )


def resit_plan(
    result: EpaResult,
    policy: Policy,
    *,
    fail_notified: date,
    first_attempt: date | None,
    today: date,
) -> ResitPlan:
    """The resit or retake a failed EPA leads to.

    - Only the failed methods are re-attempted; a passed method never is (seed 000 §4, 002,
      004), so ``methods`` and ``passed`` partition the graded methods.
    - ``deadline`` counts the policy's resit window from the fail notification (seed 000 §4:
      three months); ``all_methods_deadline`` counts the all-methods window from the first
      attempt of the EPA (seed 004: six months). Both are inclusive (openepa.domain.dates).
    - ``expired`` when today is after either deadline: the whole EPA is then taken again
      unless exceptional circumstances allow otherwise (seed 000 §4).

    Raises ValueError for an EPA that was not failed: there is no resit or retake to improve
    a Pass or Distinction (seed 000 §4, 002, 004), and an incomplete EPA has no result yet.
    """
    if result.overall != OverallGrade.FAIL:
        raise ValueError(
            f"an EPA graded {result.overall.value} has no resit or retake; only a Fail does"
        )
    failed = tuple(
        m for m in Method if m in result.methods and result.methods[m].grade == Grade.FAIL
    )
    passed = tuple(m for m in Method if m in result.methods and m not in failed)
    deadline = resit_deadline(fail_notified, policy)
    overall_deadline = (
        all_methods_deadline(first_attempt, policy) if first_attempt is not None else None
    )
    expired = any(d is not None and today > d for d in (deadline, overall_deadline))
    return ResitPlan(
        methods=failed,
        passed=passed,
        deadline=deadline,
        all_methods_deadline=overall_deadline,
        expired=expired,
        retake_checklist_required=policy.resits.retake_checklist_required,
        cap_statement=grade_cap_statement(policy),
        follow_up_note=follow_up_note(policy, failed),
    )
