"""The capacity outlook (issue 16 §6): by week and region, the assessments expected to
need booking against the assessors' capacity, so a shortfall shows weeks ahead.

Expected to need booking, each method in the week it first may be booked:
- ready or being booked (gateway accepted, planning, in assessment): each method not yet
  booked, from the policy's notice after the gateway form (or tomorrow);
- gateway submitted: every method, from the notice after the form was sent;
- registered with a planned end date in the outlook: every method, from the notice after
  the planned end date (the expected gateway).
The practical observation is counted in the workplace's region unless the planning meeting
set it remote; the discussion and showcase are counted as remote.

Capacity: each assessor's working days (openepa.assessors.availability) on which the
allocation rule allows them (openepa.domain.allocation), times their daily number of
assessments, capped by their weekly number. A region's capacity counts every assessor who
covers it in person, so an assessor covering two regions counts in both: the regions'
figures overlap, and the total row is the true bound.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from openepa.assessors.models import REGION_NAMES
from openepa.bookings.models import Booking, PlanningMeeting
from openepa.domain.dates import earliest_assessment_date
from openepa.domain.journey import State
from openepa.domain.regions import REGIONS, region_of_postcode
from openepa.enrolments.models import Enrolment
from openepa.gateway.models import GatewaySubmission
from openepa.planner.planning import capacities
from openepa.policies import loader as policy_loader

WEEKS = 12
METHODS = ("observation", "showcase", "discussion")
REMOTE = "remote"
UNKNOWN = "unknown"
ROW_NAMES = {**REGION_NAMES, REMOTE: "Remote", UNKNOWN: "No region (postcode missing)"}


@dataclass(frozen=True)
class Cell:
    need: int
    capacity: int

    @property
    def short(self) -> int:
        return max(0, self.need - self.capacity)


@dataclass(frozen=True)
class Outlook:
    weeks: list[date]
    rows: list[tuple[str, list[Cell]]]  # (row name, one cell per week)
    totals: list[Cell]

    @property
    def first_shortfall(self) -> date | None:
        return next((w for w, c in zip(self.weeks, self.totals, strict=True) if c.short), None)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _notice(policy_code: str, sent: date) -> date:
    policy = policy_loader.get_policy(policy_code)
    found = earliest_assessment_date(sent, policy) if policy else None
    return found or sent


def _add(need: dict[tuple[str, date], int], row: str, day: date, first: date, last: date) -> None:
    week = monday(max(day, first))
    if week <= last:
        need[(row, week)] += 1


def _rows(postcode: str, method: str, remote_observation: bool) -> str:
    if method != "observation" or remote_observation:
        return REMOTE
    return region_of_postcode(postcode) or UNKNOWN


def _enrolments(epao_id: int, states: tuple[str, ...]) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(epao_id=epao_id, state__in=states)


def demand(epao_id: int, first: date, last: date) -> dict[tuple[str, date], int]:
    need: dict[tuple[str, date], int] = defaultdict(int)
    tomorrow = timezone.localdate() + timedelta(days=1)
    booking = (State.GATEWAY_ACCEPTED.value, State.PLANNING.value, State.IN_ASSESSMENT.value)
    rows = list(
        _enrolments(epao_id, booking).values_list("pk", "employer__postcode", "policy__code")
    )
    ids = [r[0] for r in rows]
    booked = set(
        Booking.objects.filter(enrolment_id__in=ids)
        .exclude(status=Booking.Status.CANCELLED)
        .values_list("enrolment_id", "method")
    )
    remote = {
        e: setting != "workplace"
        for e, setting in PlanningMeeting.objects.filter(enrolment_id__in=ids)
        .order_by("enrolment_id", "held_on", "id")
        .values_list("enrolment_id", "observation_setting")
    }
    sent = dict(
        GatewaySubmission.objects.filter(
            enrolment_id__in=ids, status=GatewaySubmission.Status.ACCEPTED
        )
        .order_by("enrolment_id", "submitted_at")
        .values_list("enrolment_id", "submitted_at")
    )
    for pk, postcode, policy in rows:
        when = sent.get(pk)
        start = _notice(policy, timezone.localdate(when)) if when else tomorrow
        for method in METHODS:
            if (pk, method) not in booked:
                _add(need, _rows(postcode, method, remote.get(pk, False)), start, first, last)
    submitted = GatewaySubmission.objects.filter(
        enrolment__epao_id=epao_id,
        enrolment__state=State.GATEWAY_SUBMITTED.value,
        status=GatewaySubmission.Status.SUBMITTED,
    ).values_list("submitted_at", "enrolment__employer__postcode", "enrolment__policy__code")
    for at, postcode, policy in submitted:
        start = _notice(policy, timezone.localdate(at)) if at else tomorrow
        for method in METHODS:
            _add(need, _rows(postcode, method, False), start, first, last)
    planned = (
        _enrolments(epao_id, (State.REGISTERED.value,))
        .filter(planned_end_date__gte=first - timedelta(days=31), planned_end_date__lte=last)
        .values_list("planned_end_date", "employer__postcode", "policy__code")
    )
    for end, postcode, policy in planned:
        for method in METHODS:
            _add(need, _rows(postcode, method, False), _notice(policy, end), first, last)
    return need


def outlook(epao_id: int, weeks: int = WEEKS) -> Outlook:
    first = monday(timezone.localdate())
    last = first + timedelta(weeks=weeks) - timedelta(days=1)
    week_starts = [first + timedelta(weeks=i) for i in range(weeks)]
    need = demand(epao_id, first, last)
    capacity = capacities(epao_id, first, last)
    rows: list[tuple[str, list[Cell]]] = []
    for row in (*REGIONS, REMOTE, UNKNOWN):
        cells = [Cell(need.get((row, w), 0), capacity.get((row, w), 0)) for w in week_starts]
        if row == UNKNOWN and not any(c.need for c in cells):
            continue
        rows.append((ROW_NAMES[row], cells))
    totals = [
        Cell(
            sum(v for (_, wk), v in need.items() if wk == w),
            capacity.get(("total", w), 0),
        )
        for w in week_starts
    ]
    return Outlook(week_starts, rows, totals)
