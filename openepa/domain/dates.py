"""England and Wales working days, and the EPA dates each EPAO policy counts with them.

Every deadline here is *inclusive*: the date returned is the last day on which the thing is
still in time (or, for :func:`earliest_assessment_date`, the first day on which it is
allowed). A period counted in working days ends on the n-th working day after its anchor; a
period counted in calendar months ends on the same day of the month n months later, or on
the month's last day when that day does not exist (31 January + 1 month = 28/29 February).

Working days are Monday to Friday less the England and Wales bank holidays (DESIGN.md §3
"Gateway and timing": "Working days are England and Wales working days").
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from openepa.domain.policy import Anchor, Period, Policy

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5  # date.weekday(): Monday is 0, so 5 and 6 are the weekend


# Bounded, because years come from entered dates; 128 years is far more than any process uses.
@lru_cache(maxsize=128)
def _bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays in one year, built once per year on first use.

    The ``holidays`` package has no single "England and Wales" subdivision: it offers ENG,
    WLS, SCT and NIR, and builds ENG and WLS from the same rules (``_populate_common`` plus
    the shared New Year/Christmas/Boxing Day block in holidays/countries/united_kingdom.py),
    which matches GOV.UK's one "England and Wales" list. We use ``subdiv="ENG"``; a test
    checks that WLS gives the same dates. Scotland and Northern Ireland have other holidays.
    One-off holidays (2022 state funeral, 2023 coronation) and substitute days for
    Christmas, Boxing Day and New Year's Day falling on a weekend are included.
    """
    # Imported on first use: `holidays` takes longer to import than `openepa grade` takes
    # to run, and grading never counts working days.
    import holidays

    calendar = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return frozenset(calendar.keys())


def first_of_month(today: date, *, back: int) -> date:
    """The first day of the month `back` months before today's (the admin home's charts
    cover "the last twelve months": this month and the eleven before it)."""
    index = today.year * 12 + today.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday (DESIGN.md §3; seed 004
    "working days")."""
    return day.weekday() < _SATURDAY and day not in _bank_holidays(day.year)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start`` (n ≥ 1) or before it (n ≤ -1).

    ``start`` itself is never counted, whether or not it is a working day: from Friday
    2 January 2026, 1 working day later is Monday 5 January. n = 0 returns ``start`` when it
    is a working day, else the next working day (the first day work can happen "on" it).
    Inverse of :func:`working_days_between` for n ≥ 1:
    ``working_days_between(start, add_working_days(start, n)) == n``.
    Source: DESIGN.md §3 (England and Wales working days); seed 004 "10 working days".
    """
    if n == 0:
        day = start
        while not is_working_day(day):
            day += _ONE_DAY
        return day
    step = _ONE_DAY if n > 0 else -_ONE_DAY
    day, remaining = start, abs(n)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """The number of working days d with start < d ≤ end; 0 when end ≤ start.

    ``start`` is excluded and ``end`` included so that "n working days after" and "n working
    days before" agree with :func:`add_working_days` (DESIGN.md §3; seed 004).
    """
    # A day-by-day walk: spans here are weeks or months, and it keeps the bank-holiday
    # rule in one place (is_working_day) instead of a weekday formula plus corrections.
    count = 0
    day = start + _ONE_DAY
    while day <= end:
        count += is_working_day(day)
        day += _ONE_DAY
    return count


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months, clamped to the month's end (31 Jan + 1 = 28/29 Feb).

    Source: seed 000 §4 and seed 004 count resit and EPA windows in months.
    """
    from dateutil.relativedelta import relativedelta  # on first use, as `holidays` above

    return day + relativedelta(months=months)


def period_end(anchor_date: date, period: Period) -> date:
    """The last day of a policy period counted from its anchor: calendar months or working
    days (policy data, DESIGN.md §2 "Policy"; openepa/policies/schema.yaml ``period``).

    Raises ValueError for a period that states neither, which the schema forbids.
    """
    if period.months is not None:
        return add_months(anchor_date, period.months)
    if period.working_days is not None:
        return add_working_days(anchor_date, period.working_days)
    raise ValueError(f"period from {period.anchor} states neither months nor working days")


def _end_from(anchor_date: date, period: Period | None, expected: Anchor) -> date | None:
    """period_end, after checking that the policy counts this period from the event the
    caller's date is for: a deadline counted from the wrong event would be silently wrong."""
    if period is None:
        return None  # the EPAO is silent, so no deadline is enforced
    if period.anchor != expected:
        raise ValueError(f"policy period is counted from {period.anchor}, not {expected}")
    return period_end(anchor_date, period)


def results_due(last_component: date, policy: Policy) -> date | None:
    """Last day to issue results, from ``policy.results_deadline``; None when the EPAO is
    silent. Seed 004 'Grading & Criteria': "within 10 working days of completion of the
    final component". Raises ValueError unless the period is anchored at last_component.
    """
    return _end_from(last_component, policy.results_deadline, Anchor.LAST_COMPONENT)


def resit_deadline(fail_notified: date, policy: Policy) -> date | None:
    """Last day for a resit or retake, from ``policy.resits.window``; None when silent.
    Seed 000 §4: "within three months of the fail notification", else the whole EPA is
    taken again. Raises ValueError unless anchored at fail_notification.
    """
    return _end_from(fail_notified, policy.resits.window, Anchor.FAIL_NOTIFICATION)


def all_methods_deadline(first_attempt: date, policy: Policy) -> date | None:
    """Last day by which every method must have been taken, from
    ``policy.resits.all_methods_window``; None when silent. Seed 004 'Re-sit / Re-take':
    "All assessment methods must be taken within a 6-month period". Raises ValueError
    unless anchored at first_attempt.
    """
    return _end_from(first_attempt, policy.resits.all_methods_window, Anchor.FIRST_ATTEMPT)


def epa_window_end(anchor_date: date, policy: Policy) -> date | None:
    """Last day of the EPA period, from ``policy.epa_window``; None when silent.

    The anchor differs by EPAO (gateway for seeds 000 §1.1 and 004 'Gateway'; the first
    activity for seed 002, advisory), so the caller passes the date of the event named by
    ``policy.epa_window.anchor`` and reads ``advisory`` itself.
    """
    if policy.epa_window is None:
        return None
    return period_end(anchor_date, policy.epa_window)


def earliest_assessment_date(gateway_submitted: date, policy: Policy) -> date | None:
    """First day the assessment may take place after the gateway form was sent; None when
    the policy sets no notice period (``policy.gateway.notice_working_days``).

    Seed 004 'Gateway': "The Gateway form must be sent to NQual a minimum of 10 working days
    before End-Point Assessment is carried out." We read "n working days before" as
    ``working_days_between(submitted, assessment) >= n``, so the n-th working day after the
    form is itself allowed: a form on Monday 2 March 2026 with 10 days' notice allows an
    EPA on Monday 16 March 2026, not earlier. A form sent on a weekend or bank holiday
    counts from that day, like every other period here.
    """
    notice = policy.gateway.notice_working_days
    if notice is None:
        return None
    return add_working_days(gateway_submitted, notice)


def special_consideration_deadlines(
    assessment_day: date, policy: Policy
) -> tuple[date | None, date | None]:
    """(Latest day to request special consideration before the assessment, latest day to
    request it after), each None when the policy is silent on it.

    Seed 000 §5: "no later than 10 working days before, or up to 5 working days after, the
    assessment" — the 10th working day before and the 5th working day after, both inclusive.
    """
    rule = policy.special_consideration
    before = (
        None
        if rule.before_working_days is None
        else add_working_days(assessment_day, -rule.before_working_days)
    )
    after = (
        None
        if rule.after_working_days is None
        else add_working_days(assessment_day, rule.after_working_days)
    )
    return before, after


def days_on_programme(start: date, on: date) -> int:
    """Calendar days from the programme start to ``on`` (negative if ``on`` is earlier).
    Seed 000 §2.1 and seed 003 §2: at least 366 days on programme before gateway.
    """
    return (on - start).days


def full_months_on_programme(start: date, on: date) -> int:
    """Whole calendar months from ``start`` to ``on`` (negative if ``on`` is earlier).

    Month ends clamp as in :func:`add_months`, so 31 January to 28 February is one month and
    ``full_months_on_programme(d, add_months(d, m)) == m``. Seed 000 §2.1 and seed 003 §2:
    at least 12 months on programme before gateway.
    """
    from dateutil.relativedelta import relativedelta

    span = relativedelta(on, start)
    return span.years * 12 + span.months


def long_date(day: date) -> str:
    """A date in the words people read on pages, emails and documents: British order, the
    month in full, no leading zero on the day, e.g. "3 March 2027". The one definition:
    the domain's own messages (openepa.domain.allocation) and every context use it."""
    return f"{day.day} {day:%B %Y}"
