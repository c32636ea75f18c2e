"""The EPA journey of one enrolment as a transition table (DESIGN.md §1, issue 3).

registered → gateway submitted → gateway accepted / rejected → planning → in assessment →
awaiting results → results issued → resit/retake due → completed / withdrawn.

Actions look up (state, event) here; anything not in the table is refused with the reason
below, so the rules of the journey live in one place.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    REGISTERED = "registered"
    GATEWAY_SUBMITTED = "gateway_submitted"
    GATEWAY_REJECTED = "gateway_rejected"
    GATEWAY_ACCEPTED = "gateway_accepted"
    PLANNING = "planning"
    IN_ASSESSMENT = "in_assessment"
    AWAITING_RESULTS = "awaiting_results"
    RESULTS_ISSUED = "results_issued"
    RESIT_DUE = "resit_due"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    State.REGISTERED: "Registered",
    State.GATEWAY_SUBMITTED: "Gateway submitted",
    State.GATEWAY_REJECTED: "Gateway rejected",
    State.GATEWAY_ACCEPTED: "Gateway accepted",
    State.PLANNING: "Planning",
    State.IN_ASSESSMENT: "In assessment",
    State.AWAITING_RESULTS: "Awaiting results",
    State.RESULTS_ISSUED: "Results issued",
    State.RESIT_DUE: "Resit or retake due",
    State.COMPLETED: "Completed",
    State.WITHDRAWN: "Withdrawn",
}


class Event(StrEnum):
    SUBMIT_GATEWAY = "submit_gateway"
    ACCEPT_GATEWAY = "accept_gateway"
    REJECT_GATEWAY = "reject_gateway"
    RECORD_PLANNING = "record_planning_meeting"
    BOOK_ASSESSMENT = "book_assessment"
    COMPLETE_ASSESSMENT = "complete_assessment"
    RELEASE_RESULTS = "release_results"
    OFFER_RESIT = "offer_resit"
    COMPLETE = "complete"
    RESTART_EPA = "restart_epa"
    #: An upheld enquiry or appeal amended a sheet under a released result (issue 5 §3).
    REISSUE_RESULTS = "reissue_results"
    WITHDRAW = "withdraw"


TERMINAL = frozenset({State.COMPLETED, State.WITHDRAWN})

TRANSITIONS: dict[tuple[State, Event], State] = {
    (State.REGISTERED, Event.SUBMIT_GATEWAY): State.GATEWAY_SUBMITTED,
    (State.GATEWAY_REJECTED, Event.SUBMIT_GATEWAY): State.GATEWAY_SUBMITTED,
    (State.GATEWAY_SUBMITTED, Event.ACCEPT_GATEWAY): State.GATEWAY_ACCEPTED,
    (State.GATEWAY_SUBMITTED, Event.REJECT_GATEWAY): State.GATEWAY_REJECTED,
    (State.GATEWAY_ACCEPTED, Event.RECORD_PLANNING): State.PLANNING,
    (State.PLANNING, Event.BOOK_ASSESSMENT): State.IN_ASSESSMENT,
    (State.IN_ASSESSMENT, Event.COMPLETE_ASSESSMENT): State.AWAITING_RESULTS,
    (State.AWAITING_RESULTS, Event.RELEASE_RESULTS): State.RESULTS_ISSUED,
    (State.RESULTS_ISSUED, Event.OFFER_RESIT): State.RESIT_DUE,
    # Completion follows the certificate request: exporting a Pass or Distinction to the
    # record-a-grade service ends the journey (seed 000 §3, seed 004 certification).
    (State.RESULTS_ISSUED, Event.COMPLETE): State.COMPLETED,
    (State.RESIT_DUE, Event.BOOK_ASSESSMENT): State.IN_ASSESSMENT,
    # Resit window missed: the whole EPA is taken again (seed 000 §4, seed 004).
    (State.RESIT_DUE, Event.RESTART_EPA): State.PLANNING,
    # An upheld enquiry about results or appeal re-issues the statement of results; a new
    # Fail then offers a resit again (OFFER_RESIT), a Pass ends the resit (issue 5 §3).
    (State.RESULTS_ISSUED, Event.REISSUE_RESULTS): State.RESULTS_ISSUED,
    (State.RESIT_DUE, Event.REISSUE_RESULTS): State.RESULTS_ISSUED,
    # After completion an enquiry or appeal may still be raised within its window (Ofqual
    # General Conditions: the EPAO reviews results and hears appeals whether or not the
    # certificate was requested). An upheld one re-issues the statement of results without
    # reopening the journey; the new Pass or Distinction is exported as a replacement
    # certificate request. A re-issued Fail is refused after completion (the certificate
    # would first have to be withdrawn, outside OpenEPA).
    (State.COMPLETED, Event.REISSUE_RESULTS): State.COMPLETED,
}


class TransitionRefused(ValueError):
    def __init__(self, state: State, event: Event) -> None:
        self.state = state
        self.event = event
        super().__init__(
            f"cannot {event.value.replace('_', ' ')} while the enrolment is {state.label.lower()}"
        )


def next_state(state: State, event: Event) -> State:
    """The state after `event`, or TransitionRefused. Withdrawal is allowed from any
    non-terminal state."""
    if event == Event.WITHDRAW and state not in TERMINAL:
        return State.WITHDRAWN
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise TransitionRefused(state, event) from None
