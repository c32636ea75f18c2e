"""The case state machine, the deadlines of each policy (across bank holidays) and the
independence rules, as tables (issue 5 §1–3; seed 000 §3, §5; seed 003 §6, §9)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from openepa.domain.cases import (
    CaseEvent,
    CaseKind,
    CaseState,
    CaseTransitionRefused,
    Timing,
    adjustment_is_late,
    case_deadline,
    next_case_state,
    panel_is_independent,
    reviewer_is_connected,
    special_consideration_timing,
)
from openepa.domain.policy import Anchor, Period

R, U, UP, NU, C = (
    CaseState.RECEIVED,
    CaseState.UNDER_REVIEW,
    CaseState.UPHELD,
    CaseState.NOT_UPHELD,
    CaseState.CLOSED,
)


@pytest.mark.parametrize(
    ("state", "event", "after"),
    [
        (R, CaseEvent.START_REVIEW, U),
        (U, CaseEvent.UPHOLD, UP),
        (U, CaseEvent.NOT_UPHOLD, NU),
        (UP, CaseEvent.CLOSE, C),
        (NU, CaseEvent.CLOSE, C),
    ],
)
def test_the_case_moves_along_the_table(state, event, after):
    assert next_case_state(state, event) == after


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (R, CaseEvent.UPHOLD),  # decided only once under review
        (R, CaseEvent.CLOSE),
        (U, CaseEvent.CLOSE),  # closed only after a decision
        (U, CaseEvent.START_REVIEW),
        (UP, CaseEvent.NOT_UPHOLD),  # a decision is not changed by another
        (C, CaseEvent.START_REVIEW),
        (C, CaseEvent.CLOSE),
    ],
)
def test_anything_else_is_refused_with_the_state_in_words(state, event):
    with pytest.raises(CaseTransitionRefused, match=f"this case is {state.label.lower()}"):
        next_case_state(state, event)


@pytest.mark.parametrize(
    ("requested", "gateway", "late"),
    [
        (date(2026, 3, 1), None, False),  # at registration, no gateway yet
        (date(2026, 11, 2), date(2026, 11, 2), False),  # on the day of the submission
        (date(2026, 11, 3), date(2026, 11, 2), True),  # the day after: late
        (date(2026, 10, 1), date(2026, 11, 2), False),
    ],
)
def test_an_adjustment_is_late_only_after_gateway_submission(requested, gateway, late):
    assert adjustment_is_late(requested, gateway) is late


# Special consideration, Gateway Qualifications (seed 000 §5: 10 working days before, 5 after).


@pytest.mark.parametrize(
    ("assessment", "requested", "timing", "last_before", "last_after"),
    [
        # Friday 8 January 2027: counting back crosses New Year's Day (Fri 1 Jan), the
        # Boxing Day substitute (Mon 28 Dec 2026) and Christmas Day (Fri 25 Dec 2026).
        (date(2027, 1, 8), date(2026, 12, 22), Timing.BEFORE, date(2026, 12, 22), None),
        (date(2027, 1, 8), date(2026, 12, 23), Timing.TOO_LATE_BEFORE, date(2026, 12, 22), None),
        # Wednesday 23 December 2026: 5 working days after skips 25, 28 Dec and 1 Jan.
        (date(2026, 12, 23), date(2027, 1, 4), Timing.AFTER, None, date(2027, 1, 4)),
        (date(2026, 12, 23), date(2027, 1, 5), Timing.TOO_LATE_AFTER, None, date(2027, 1, 4)),
        (date(2026, 12, 23), date(2026, 12, 23), Timing.AFTER, None, date(2027, 1, 4)),
        # Tuesday 30 March 2027, after Easter 2027 (Good Friday 26, Easter Monday 29 March).
        (date(2027, 3, 30), date(2027, 3, 12), Timing.BEFORE, date(2027, 3, 12), None),
        (date(2027, 3, 30), date(2027, 3, 15), Timing.TOO_LATE_BEFORE, date(2027, 3, 12), None),
        # Thursday 25 March 2027: 5 working days after skips Good Friday and Easter Monday.
        (date(2027, 3, 25), date(2027, 4, 5), Timing.AFTER, None, date(2027, 4, 5)),
        (date(2027, 3, 25), date(2027, 4, 6), Timing.TOO_LATE_AFTER, None, date(2027, 4, 5)),
    ],
)
def test_special_consideration_deadlines_in_working_days(
    gateway_qualifications, assessment, requested, timing, last_before, last_after
):
    window = special_consideration_timing(assessment, requested, gateway_qualifications)
    assert window.timing == timing
    if last_before is not None:
        assert window.last_before == last_before
    if last_after is not None:
        assert window.last_after == last_after
    assert window.in_time is (timing in {Timing.BEFORE, Timing.AFTER})


@pytest.mark.parametrize("code", ["highfield", "nqual"])
@pytest.mark.parametrize("requested", [date(2027, 1, 7), date(2027, 3, 1), date(2026, 1, 1)])
def test_a_silent_policy_sets_no_special_consideration_deadline(request, code, requested):
    policy = request.getfixturevalue(code)
    window = special_consideration_timing(date(2027, 1, 8), requested, policy)
    assert window.timing == Timing.NO_DEADLINE
    assert window.in_time
    assert (window.last_before, window.last_after) == (None, None)


@pytest.mark.parametrize("kind", list(CaseKind))
@pytest.mark.parametrize("code", ["highfield", "nqual", "gateway_qualifications"])
def test_the_seeded_policies_set_no_enquiry_or_appeal_window(request, code, kind):
    assert case_deadline(kind, date(2026, 12, 1), request.getfixturevalue(code)) is None


@pytest.mark.parametrize(
    ("kind", "issued", "deadline"),
    [
        # 10 working days from Friday 18 December 2026 skip 25 and 28 Dec and 1 Jan.
        (CaseKind.ENQUIRY, date(2026, 12, 18), date(2027, 1, 6)),
        # 10 working days from Wednesday 24 March 2027 skip Good Friday and Easter Monday.
        (CaseKind.ENQUIRY, date(2027, 3, 24), date(2027, 4, 9)),
        (CaseKind.APPEAL, date(2027, 1, 31), date(2027, 2, 28)),  # one calendar month
    ],
)
def test_a_policy_with_windows_counts_them_from_the_issue(highfield, kind, issued, deadline):
    policy = dataclasses.replace(
        highfield,
        enquiry_window=Period(Anchor.RESULTS_ISSUED, working_days=10),
        appeal_window=Period(Anchor.RESULTS_ISSUED, months=1),
    )
    assert case_deadline(kind, issued, policy) == deadline


@pytest.mark.parametrize(
    ("reviewer", "connected", "refused"),
    [(7, {7, 8}, True), (9, {7, 8}, False), (9, set(), False)],
)
def test_a_reviewer_connected_to_the_decision_is_refused(reviewer, connected, refused):
    assert reviewer_is_connected(reviewer, connected) is refused


@pytest.mark.parametrize(
    ("panel", "connected", "independent"),
    [
        ({7, 8}, {7, 8}, False),  # every member connected
        (set(), {7}, False),  # no panel at all
        ({7, 9}, {7, 8}, True),  # one unconnected member is enough
        ({9}, set(), True),
    ],
)
def test_an_appeal_panel_needs_one_member_not_connected(panel, connected, independent):
    assert panel_is_independent(panel, connected) is independent
