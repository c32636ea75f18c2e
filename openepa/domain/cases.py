"""Reasonable adjustments, special considerations, enquiries about results and appeals as
pure rules: the case state machine, the deadlines each EPAO policy sets, and who may review
a decision (issue 5 §1–3).

Sources: seed 000 §5 (adjustments "ideally ... when the learner is registered ... but no
later than EPA Gateway submission"; special considerations "no later than ten working days
before the assessment or as soon as possible after the assessment but no later than five
working days after"; "reschedule an assessment in the first instance"), seed 000 §3
(enquiries about results and appeals from the employer, apprentice or provider), seed 003 §6
and §9 (independence of whoever judges). Where a policy is silent (``None``), no deadline is
enforced and the pages say the EPAO's policy sets none.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from openepa.domain.dates import period_end, special_consideration_deadlines
from openepa.domain.policy import Period, Policy


class CaseKind(StrEnum):
    ENQUIRY = "enquiry"  # an enquiry about results (seed 000 §3)
    APPEAL = "appeal"  # a formal appeal about an assessment decision (seed 000 §3)


class CaseState(StrEnum):
    RECEIVED = "received"
    UNDER_REVIEW = "under_review"
    UPHELD = "upheld"
    NOT_UPHELD = "not_upheld"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return CASE_STATE_LABELS[self]


CASE_STATE_LABELS = {
    CaseState.RECEIVED: "Received",
    CaseState.UNDER_REVIEW: "Under review",
    CaseState.UPHELD: "Upheld",
    CaseState.NOT_UPHELD: "Not upheld",
    CaseState.CLOSED: "Closed",
}


class CaseEvent(StrEnum):
    START_REVIEW = "start_review"
    UPHOLD = "uphold"
    NOT_UPHOLD = "not_uphold"
    CLOSE = "close"


#: received → under review → upheld / not upheld → closed (issue 5 §3).
CASE_TRANSITIONS: dict[tuple[CaseState, CaseEvent], CaseState] = {
    (CaseState.RECEIVED, CaseEvent.START_REVIEW): CaseState.UNDER_REVIEW,
    (CaseState.UNDER_REVIEW, CaseEvent.UPHOLD): CaseState.UPHELD,
    (CaseState.UNDER_REVIEW, CaseEvent.NOT_UPHOLD): CaseState.NOT_UPHELD,
    (CaseState.UPHELD, CaseEvent.CLOSE): CaseState.CLOSED,
    (CaseState.NOT_UPHELD, CaseEvent.CLOSE): CaseState.CLOSED,
}

OPEN_CASE_STATES = frozenset({CaseState.RECEIVED, CaseState.UNDER_REVIEW, CaseState.UPHELD})


class CaseTransitionRefused(ValueError):
    def __init__(self, state: CaseState, event: CaseEvent) -> None:
        self.state = state
        self.event = event
        super().__init__(
            f"this case is {state.label.lower()}, so it cannot "
            f"{event.value.replace('_', ' ').replace('not uphold', 'be found not upheld')}"
        )


def next_case_state(state: CaseState, event: CaseEvent) -> CaseState:
    """The state after `event`, or CaseTransitionRefused for anything not in the table."""
    try:
        return CASE_TRANSITIONS[(state, event)]
    except KeyError:
        raise CaseTransitionRefused(state, event) from None


# Reasonable adjustments (seed 000 §5).


def adjustment_is_late(requested_on: date, gateway_submitted_on: date | None) -> bool:
    """A reasonable adjustment is on time up to and including the day of the gateway
    submission; a later request is still accepted, but flagged late for the EPAO's admins.

    Seed 000 §5: "Applications for reasonable adjustments should ideally be submitted ...
    when the learner is registered ... but no later than EPA Gateway submission."
    ``gateway_submitted_on`` is the day of the enrolment's first gateway submission, None
    while there is none.
    """
    return gateway_submitted_on is not None and requested_on > gateway_submitted_on


# Special considerations (seed 000 §5).


class Timing(StrEnum):
    BEFORE = "before"  # in time, before the assessment
    AFTER = "after"  # in time, on or after the assessment day
    NO_DEADLINE = "no_deadline"  # the policy is silent on this side
    TOO_LATE_BEFORE = "too_late_before"  # after the last day before, before the assessment
    TOO_LATE_AFTER = "too_late_after"  # after the last day after the assessment


@dataclass(frozen=True)
class ConsiderationWindow:
    timing: Timing
    #: The last day to request before the assessment, None where the policy is silent.
    last_before: date | None
    #: The last day to request after the assessment, None where the policy is silent.
    last_after: date | None

    @property
    def in_time(self) -> bool:
        return self.timing in {Timing.BEFORE, Timing.AFTER, Timing.NO_DEADLINE}


def special_consideration_timing(
    assessment_day: date, requested_on: date, policy: Policy
) -> ConsiderationWindow:
    """Whether a special consideration request made on ``requested_on`` is in time.

    Seed 000 §5: "no later than ten working days before the assessment or as soon as
    possible after the assessment but no later than five working days after the
    assessment" — both days inclusive, counted in England and Wales working days
    (:func:`openepa.domain.dates.special_consideration_deadlines`). Between the last day
    before and the assessment day itself the request is refused: the seed asks for it ten
    working days ahead, or after the assessment; rescheduling comes first. Where the policy
    is silent on a side, that side has no deadline (``NO_DEADLINE``).
    """
    last_before, last_after = special_consideration_deadlines(assessment_day, policy)
    if requested_on < assessment_day:
        if last_before is None:
            timing = Timing.NO_DEADLINE
        elif requested_on <= last_before:
            timing = Timing.BEFORE
        else:
            timing = Timing.TOO_LATE_BEFORE
    elif last_after is None:
        timing = Timing.NO_DEADLINE
    elif requested_on <= last_after:
        timing = Timing.AFTER
    else:
        timing = Timing.TOO_LATE_AFTER
    return ConsiderationWindow(timing, last_before, last_after)


# Enquiries about results and appeals (seed 000 §3).


def case_window(kind: CaseKind, policy: Policy) -> Period | None:
    """The policy's time limit for an enquiry about results or an appeal; None = silent.

    All three seeded policies are silent (seed 000 §3 lines 233 and 235 name no limit;
    seeds 002 and 004 say nothing), so today no case is refused for lateness there.
    """
    return policy.enquiry_window if kind == CaseKind.ENQUIRY else policy.appeal_window


def case_deadline(kind: CaseKind, issued_on: date, policy: Policy) -> date | None:
    """The last day to raise an enquiry or appeal about something issued on ``issued_on``
    (a released result, or a decision on an adjustment or special consideration); None when
    the policy sets no limit.

    The schema counts these windows from ``results_issued``; an appeal about a decision on
    an adjustment or a special consideration counts the same period from the day that
    decision was issued, since the decision is what is appealed (seed 000 §3).
    """
    period = case_window(kind, policy)
    if period is None:
        return None
    return period_end(issued_on, period)


# Independence (seed 003 §6, §9).


def reviewer_is_connected(reviewer_id: int, connected_ids: Collection[int]) -> bool:
    """The reviewer of an enquiry or appeal must not be connected to the decision under
    review: the assessor of an attempt it rests on, or whoever made the decision (seed 003
    §6 and §9: whoever judges is independent of what they judge)."""
    return reviewer_id in connected_ids


def panel_is_independent(panel_ids: Collection[int], connected_ids: Collection[int]) -> bool:
    """An appeal panel needs at least one member not connected to the decision (issue 5 §3;
    seed 003 §6, §9)."""
    return any(member not in connected_ids for member in panel_ids)
