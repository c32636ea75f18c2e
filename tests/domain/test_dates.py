"""England and Wales working days and the EPA dates counted with them (DESIGN.md §3
"Gateway and timing"; seed 000 §4, §5; seed 004 'Gateway', 'Grading & Criteria',
'Re-sit / Re-take'). Pure domain: no database, no Django.

Expected dates are worked out by hand from the GOV.UK England and Wales bank holiday list,
not read back from the ``holidays`` package the code uses.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from openepa.domain.dates import (
    add_months,
    add_working_days,
    all_methods_deadline,
    days_on_programme,
    earliest_assessment_date,
    epa_window_end,
    full_months_on_programme,
    is_working_day,
    long_date,
    period_end,
    resit_deadline,
    results_due,
    special_consideration_deadlines,
    working_days_between,
)
from openepa.domain.policy import (
    Anchor,
    EnglishMathsRule,
    GatewayPolicy,
    Period,
    Policy,
    ResitPolicy,
    SpecialConsiderationPolicy,
)
from openepa.domain.standard import Grade

# --- factories ---------------------------------------------------------------------------


def months(anchor: Anchor, n: int) -> Period:
    return Period(anchor=anchor, months=n)


def working_days(anchor: Anchor, n: int) -> Period:
    return Period(anchor=anchor, working_days=n)


def make_policy(
    *,
    epa_window: Period | None = None,
    results_deadline: Period | None = None,
    resit_window: Period | None = None,
    all_methods_window: Period | None = None,
    notice_working_days: int | None = None,
    sc_before: int | None = None,
    sc_after: int | None = None,
) -> Policy:
    """A policy with only the date rules under test set; everything else neutral."""
    return Policy(
        code="test",
        name="Test EPAO",
        gateway=GatewayPolicy(
            english_maths=EnglishMathsRule(
                required_if_under_19_at_start=True,
                required_if_19_plus_at_start=False,
                level_2_attempt_required=False,
                ehcp_entry_level_3=True,
                bsl_alternative=True,
            ),
            required_evidence=(),
            showcase_format_chosen_at_gateway=False,
            showcase_submitted_at_gateway=False,
            notice_working_days=notice_working_days,
        ),
        epa_window=epa_window,
        results_deadline=results_deadline,
        release_requires_iqa=False,
        resits=ResitPolicy(
            grade_cap=Grade.PASS,
            grade_cap_note="capped at Pass (test policy)",
            window=resit_window,
            all_methods_window=all_methods_window,
            retake_checklist_required=False,
            resit_with_discussion_follow_up_minutes=None,
        ),
        durations={},
        showcase_report_words_guide=None,
        portfolio_evidence_max=None,
        ai_declaration_required=False,
        special_consideration=SpecialConsiderationPolicy(
            before_working_days=sc_before, after_working_days=sc_after
        ),
        enquiry_window=None,
        appeal_window=None,
        sources={},
    )


SILENT = make_policy()
NQUAL_LIKE = make_policy(
    epa_window=months(Anchor.GATEWAY, 3),
    results_deadline=working_days(Anchor.LAST_COMPONENT, 10),
    all_methods_window=months(Anchor.FIRST_ATTEMPT, 6),
    notice_working_days=10,
)
GATEWAY_QUALIFICATIONS_LIKE = make_policy(
    epa_window=months(Anchor.GATEWAY, 3),
    resit_window=months(Anchor.FAIL_NOTIFICATION, 3),
    sc_before=10,
    sc_after=5,
)

# --- working days ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected", "why"),
    [
        (date(2026, 3, 2), True, "an ordinary Monday"),
        (date(2026, 2, 28), False, "Saturday"),
        (date(2026, 3, 1), False, "Sunday"),
        # Christmas Day and Boxing Day on a weekend: substitute Monday and Tuesday
        (date(2021, 12, 27), False, "2021 Christmas Day (Sat) substitute"),
        (date(2021, 12, 28), False, "2021 Boxing Day (Sun) substitute"),
        (date(2021, 12, 29), True, "first working day after Christmas 2021"),
        (date(2022, 1, 3), False, "New Year's Day 2022 (Sat) substitute"),
        (date(2022, 12, 26), False, "Boxing Day 2022 (Mon)"),
        (date(2022, 12, 27), False, "2022 Christmas Day (Sun) substitute"),
        (date(2022, 12, 28), True, "first working day after Christmas 2022"),
        (date(2027, 12, 27), False, "2027 Christmas Day (Sat) substitute"),
        (date(2027, 12, 28), False, "2027 Boxing Day (Sun) substitute"),
        (date(2028, 1, 3), False, "New Year's Day 2028 (Sat) substitute"),
        (date(2026, 12, 25), False, "Christmas Day 2026 (Fri)"),
        (date(2026, 12, 28), False, "2026 Boxing Day (Sat) substitute"),
        # Easter 2026
        (date(2026, 4, 2), True, "Maundy Thursday is a working day"),
        (date(2026, 4, 3), False, "Good Friday 2026"),
        (date(2026, 4, 6), False, "Easter Monday 2026"),
        (date(2026, 4, 7), True, "Tuesday after Easter"),
        # May and August bank holidays, and years they moved
        (date(2026, 5, 4), False, "early May bank holiday 2026"),
        (date(2026, 5, 25), False, "Spring bank holiday 2026"),
        (date(2026, 8, 31), False, "Summer bank holiday 2026"),
        (date(2020, 5, 8), False, "early May 2020 moved to VE Day (Fri)"),
        (date(2020, 5, 4), True, "first Monday of May 2020 was a working day"),
        (date(2022, 6, 2), False, "Spring 2022 moved to Thursday"),
        (date(2022, 6, 3), False, "Platinum Jubilee 2022"),
        (date(2022, 5, 30), True, "last Monday of May 2022 was a working day"),
        # one-off bank holidays
        (date(2023, 5, 8), False, "King Charles III coronation"),
        (date(2022, 9, 19), False, "state funeral of Queen Elizabeth II"),
        # holidays of Scotland or Northern Ireland only are England and Wales working days
        (date(2024, 1, 2), True, "2 January (Scotland only)"),
        (date(2026, 3, 17), True, "St Patrick's Day (Northern Ireland only)"),
        (date(2026, 7, 13), True, "Battle of the Boyne substitute (Northern Ireland only)"),
        (date(2026, 8, 3), True, "Scottish summer bank holiday"),
        (date(2026, 11, 30), True, "St Andrew's Day (Scotland only)"),
    ],
)
def test_is_working_day(day, expected, why):
    assert is_working_day(day) is expected, why


@pytest.mark.parametrize("year", range(2020, 2031))
def test_england_and_wales_share_one_bank_holiday_list(year):
    # dates.py uses subdiv="ENG"; this guards the claim that WLS would give the same days.
    england = holidays.country_holidays("GB", subdiv="ENG", years=year)
    wales = holidays.country_holidays("GB", subdiv="WLS", years=year)
    assert set(england) == set(wales)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # n = 0: the day itself, or the next working day
        (date(2026, 3, 2), 0, date(2026, 3, 2)),
        (date(2026, 2, 28), 0, date(2026, 3, 2)),
        (date(2026, 12, 26), 0, date(2026, 12, 29)),
        # forwards over weekends and bank holidays; the start is never counted
        (date(2026, 1, 2), 1, date(2026, 1, 5)),
        (date(2026, 2, 28), 1, date(2026, 3, 2)),
        (date(2021, 12, 23), 1, date(2021, 12, 24)),
        (date(2021, 12, 24), 1, date(2021, 12, 29)),
        (date(2027, 12, 24), 1, date(2027, 12, 29)),
        (date(2027, 12, 31), 1, date(2028, 1, 4)),
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        (date(2026, 5, 22), 1, date(2026, 5, 26)),
        (date(2022, 9, 16), 1, date(2022, 9, 20)),
        (date(2023, 5, 5), 1, date(2023, 5, 9)),
        (date(2026, 3, 2), 10, date(2026, 3, 16)),
        (date(2026, 12, 18), 10, date(2027, 1, 6)),
        # backwards across bank holidays
        (date(2026, 4, 7), -1, date(2026, 4, 2)),
        (date(2026, 4, 8), -2, date(2026, 4, 2)),
        (date(2026, 4, 4), -1, date(2026, 4, 2)),
        (date(2026, 4, 14), -10, date(2026, 3, 27)),
        (date(2021, 12, 29), -1, date(2021, 12, 24)),
        (date(2022, 1, 4), -1, date(2021, 12, 31)),
        (date(2023, 5, 9), -1, date(2023, 5, 5)),
        (date(2022, 9, 20), -1, date(2022, 9, 16)),
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 3, 2), date(2026, 3, 2), 0),
        (date(2026, 3, 3), date(2026, 3, 2), 0),
        (date(2026, 1, 2), date(2026, 1, 5), 1),
        (date(2026, 3, 2), date(2026, 3, 16), 10),
        (date(2026, 4, 2), date(2026, 4, 7), 1),
        (date(2026, 12, 24), date(2026, 12, 29), 1),
        (date(2026, 12, 18), date(2027, 1, 6), 10),
        # 2026: 261 weekdays less 8 weekday bank holidays
        (date(2025, 12, 31), date(2026, 12, 31), 253),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


# --- calendar months ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 1, 15), 3, date(2026, 4, 15)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 10, 31), 3, date(2027, 1, 31)),
    ],
)
def test_add_months(day, n, expected):
    assert add_months(day, n) == expected


@pytest.mark.parametrize(
    ("start", "on", "days", "full_months"),
    [
        (date(2025, 1, 15), date(2026, 1, 14), 364, 11),
        (date(2025, 1, 15), date(2026, 1, 15), 365, 12),
        (date(2025, 1, 15), date(2026, 1, 16), 366, 12),
        (date(2025, 1, 31), date(2025, 2, 28), 28, 1),
        (date(2024, 2, 29), date(2025, 2, 28), 365, 12),
        (date(2024, 3, 1), date(2025, 2, 28), 364, 11),
        (date(2023, 3, 1), date(2024, 2, 29), 365, 11),
        (date(2026, 3, 2), date(2026, 3, 1), -1, 0),
    ],
)
def test_time_on_programme(start, on, days, full_months):
    assert days_on_programme(start, on) == days
    assert full_months_on_programme(start, on) == full_months


# --- policy periods ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("anchor_date", "period", "expected"),
    [
        (date(2026, 1, 15), months(Anchor.GATEWAY, 3), date(2026, 4, 15)),
        (date(2025, 11, 30), months(Anchor.GATEWAY, 3), date(2026, 2, 28)),
        (date(2026, 12, 18), working_days(Anchor.LAST_COMPONENT, 10), date(2027, 1, 6)),
    ],
)
def test_period_end(anchor_date, period, expected):
    assert period_end(anchor_date, period) == expected


def test_period_end_refuses_a_period_with_no_length():
    with pytest.raises(ValueError, match="neither months nor working days"):
        period_end(date(2026, 1, 1), Period(anchor=Anchor.GATEWAY))


@pytest.mark.parametrize(
    ("last_component", "expected"),
    [
        (date(2026, 3, 2), date(2026, 3, 16)),
        # over Christmas and New Year: 25 Dec, 28 Dec (Boxing Day substitute) and 1 Jan skipped
        (date(2026, 12, 18), date(2027, 1, 6)),
        # over Easter 2026
        (date(2026, 3, 27), date(2026, 4, 14)),
        # over the coronation bank holiday (1 and 8 May 2023)
        (date(2023, 4, 28), date(2023, 5, 16)),
    ],
)
def test_results_due_within_10_working_days(last_component, expected):
    assert results_due(last_component, NQUAL_LIKE) == expected


@pytest.mark.parametrize(
    ("fail_notified", "expected"),
    [
        (date(2026, 1, 15), date(2026, 4, 15)),
        (date(2025, 11, 30), date(2026, 2, 28)),
        (date(2027, 11, 30), date(2028, 2, 29)),
    ],
)
def test_resit_deadline_three_months(fail_notified, expected):
    assert resit_deadline(fail_notified, GATEWAY_QUALIFICATIONS_LIKE) == expected


@pytest.mark.parametrize(
    ("first_attempt", "expected"),
    [
        (date(2026, 1, 15), date(2026, 7, 15)),
        (date(2025, 8, 31), date(2026, 2, 28)),
        (date(2027, 8, 31), date(2028, 2, 29)),
    ],
)
def test_all_methods_deadline_six_months(first_attempt, expected):
    assert all_methods_deadline(first_attempt, NQUAL_LIKE) == expected


@pytest.mark.parametrize(
    ("gateway", "expected"),
    [
        (date(2026, 10, 31), date(2027, 1, 31)),
        (date(2026, 11, 30), date(2027, 2, 28)),
    ],
)
def test_epa_window_end(gateway, expected):
    assert epa_window_end(gateway, NQUAL_LIKE) == expected


@pytest.mark.parametrize(
    ("submitted", "earliest"),
    [
        # the 10th working day after the form is allowed
        (date(2026, 3, 2), date(2026, 3, 16)),
        (date(2026, 3, 30), date(2026, 4, 15)),  # across Good Friday and Easter Monday
        (date(2026, 12, 18), date(2027, 1, 6)),  # across Christmas and New Year
        (date(2026, 2, 28), date(2026, 3, 13)),  # sent on a Saturday: counts from then
    ],
)
def test_earliest_assessment_date(submitted, earliest):
    assert earliest_assessment_date(submitted, NQUAL_LIKE) == earliest
    assert working_days_between(submitted, earliest) == 10
    # the working day before is too soon
    assert working_days_between(submitted, add_working_days(earliest, -1)) == 9


@pytest.mark.parametrize(
    ("assessment", "before", "after"),
    [
        (date(2026, 3, 16), date(2026, 3, 2), date(2026, 3, 23)),
        # before: back across Easter Monday and Good Friday 2026
        (date(2026, 4, 14), date(2026, 3, 27), date(2026, 4, 21)),
        # after: forward across Christmas, the Boxing Day substitute and New Year's Day
        (date(2026, 12, 23), date(2026, 12, 9), date(2027, 1, 4)),
        # after: forward across the coronation bank holiday
        (date(2023, 5, 3), date(2023, 4, 18), date(2023, 5, 11)),
    ],
)
def test_special_consideration_deadlines(assessment, before, after):
    assert special_consideration_deadlines(assessment, GATEWAY_QUALIFICATIONS_LIKE) == (
        before,
        after,
    )


def test_special_consideration_one_side_silent():
    policy = replace(
        GATEWAY_QUALIFICATIONS_LIKE,
        special_consideration=SpecialConsiderationPolicy(
            before_working_days=None, after_working_days=5
        ),
    )
    assert special_consideration_deadlines(date(2026, 3, 16), policy) == (
        None,
        date(2026, 3, 23),
    )


def test_silent_policy_sets_no_dates():
    day = date(2026, 3, 2)
    assert results_due(day, SILENT) is None
    assert resit_deadline(day, SILENT) is None
    assert all_methods_deadline(day, SILENT) is None
    assert epa_window_end(day, SILENT) is None
    assert earliest_assessment_date(day, SILENT) is None
    assert special_consideration_deadlines(day, SILENT) == (None, None)


@pytest.mark.parametrize(
    ("call", "policy"),
    [
        (results_due, make_policy(results_deadline=working_days(Anchor.ASSESSMENT, 10))),
        (resit_deadline, make_policy(resit_window=months(Anchor.RESULTS_ISSUED, 3))),
        (all_methods_deadline, make_policy(all_methods_window=months(Anchor.GATEWAY, 6))),
    ],
)
def test_deadline_refuses_a_period_counted_from_another_event(call, policy):
    with pytest.raises(ValueError, match="counted from"):
        call(date(2026, 3, 2), policy)


def test_shipped_policies(nqual, gateway_qualifications, highfield):
    """The three EPAO data files give the dates their seeds describe (000, 002, 004)."""
    assert results_due(date(2026, 12, 18), nqual) == date(2027, 1, 6)
    assert earliest_assessment_date(date(2026, 3, 2), nqual) == date(2026, 3, 16)
    assert all_methods_deadline(date(2025, 8, 31), nqual) == date(2026, 2, 28)
    assert resit_deadline(date(2025, 11, 30), gateway_qualifications) == date(2026, 2, 28)
    assert special_consideration_deadlines(date(2026, 4, 14), gateway_qualifications) == (
        date(2026, 3, 27),
        date(2026, 4, 21),
    )
    assert epa_window_end(date(2026, 4, 2), highfield) == date(2026, 7, 2)
    assert results_due(date(2026, 3, 2), highfield) is None


# --- properties --------------------------------------------------------------------------

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2045, 12, 31))


@given(DAYS, st.integers(min_value=-300, max_value=300))
def test_add_working_days_lands_on_a_working_day(day, n):
    assert is_working_day(add_working_days(day, n))


@given(DAYS, st.integers(min_value=1, max_value=300))
def test_working_days_between_inverts_add_working_days(day, n):
    later = add_working_days(day, n)
    assert working_days_between(day, later) == n
    # and n is the smallest such day: the calendar day before has one fewer
    assert working_days_between(day, later - timedelta(days=1)) == n - 1


@given(DAYS.filter(is_working_day), st.integers(min_value=1, max_value=300))
def test_forward_then_back_returns_to_a_working_day(day, n):
    assert add_working_days(add_working_days(day, n), -n) == day


@given(DAYS, st.integers(min_value=0, max_value=120))
def test_full_months_inverts_add_months(day, n):
    assert full_months_on_programme(day, add_months(day, n)) == n


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2027, 3, 3), "3 March 2027"),  # no leading zero on the day
        (date(2026, 12, 25), "25 December 2026"),
        (date(2028, 2, 29), "29 February 2028"),  # a leap day
    ],
)
def test_long_date_is_british_order_with_the_month_in_full(day, words):
    assert long_date(day) == words
