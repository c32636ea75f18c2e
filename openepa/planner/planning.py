"""The scheduling engine's instance, built from an EPAO's real data (issue 16 §5).

Every method ready to book (gateway accepted, planning meeting held, not yet booked) with
its window from the EPAO's policy (notice from the gateway form, the EPA window), its
duration from the policy, the observation before the discussion; every assessor of the
EPAO with the days the allocation rule allows (openepa.domain.allocation: competence,
qualification, standardisation, unavailability), their working windows and capacity
(openepa.assessors.availability), regions and remote capability; conflicts of interest as
the booking rules read them; and the bookings already made, which the plan works around.

Methods that cannot be given to the engine at all (no region for an in-person
observation, a window outside the horizon, no assessor who may be allocated) are returned
with the reason, so the proposal lists them as unplaced.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from openepa.accounts.models import Membership, Role
from openepa.assessors.availability import capacity_of, working_windows
from openepa.assessors.models import AssessorProfile
from openepa.assessors.queries import attended_dates, facts_of, profiles_with_availability
from openepa.bookings.models import Booking, ConflictDeclaration, PlanningMeeting
from openepa.bookings.rules import DURATION_ACTIVITY, METHOD_WORDS
from openepa.domain.allocation import allocation_refusals
from openepa.domain.dates import earliest_assessment_date, epa_window_end, long_date
from openepa.domain.journey import State
from openepa.domain.policy import Anchor, Policy
from openepa.domain.regions import REGIONS, region_of_postcode, travel_minutes
from openepa.enrolments.domain_data import policy_of, standard_of
from openepa.enrolments.models import Enrolment
from openepa.gateway.models import GatewaySubmission
from openepa.scheduling.instance import (
    IN_PERSON,
    REMOTE,
    Assessor,
    Existing,
    Instance,
    Method,
    Preferred,
    Window,
)

#: Methods in the order they are usually taken; the discussion follows the observation.
ORDER = ("observation", "showcase", "discussion")
#: Enrolments whose first attempts may be booked (openepa.bookings.rules.BOOKABLE_STATES
#: without resits, which are booked by hand after a fail).
READY_STATES = (State.PLANNING.value, State.IN_ASSESSMENT.value)
FALLBACK_MINUTES = 60


@dataclass(frozen=True)
class MethodInfo:
    """What the page and the apply step need about one method beyond the engine's view."""

    key: str
    enrolment_id: int
    apprentice: str
    method: str
    duration: int
    remote: bool
    region: str | None
    venue: str
    earliest: date
    latest: date
    earliest_why: str
    latest_why: str
    booking_id: int | None = None  # re-planning: the booking this method is
    #: Agreed at the planning meeting (issue 16 §5); the engine gets those in the window.
    preferred: tuple[Preferred, ...] = ()

    @property
    def words(self) -> str:
        return METHOD_WORDS[self.method]


@dataclass(frozen=True)
class NotPlannable:
    enrolment_id: int
    method: str
    remote: bool
    region: str | None
    reason: str
    booking_id: int | None = None


@dataclass
class Built:
    instance: Instance
    methods: dict[str, MethodInfo]
    names: dict[str, str]  # assessor id → name
    not_plannable: list[NotPlannable] = field(default_factory=list)
    standardised_until: dict[str, date | None] = field(default_factory=dict)
    #: Each assessor's weekly capacity (assessments, minutes): the engine keeps the daily
    #: limits, openepa.planner.run.weekly_overflow the weekly ones.
    week_caps: dict[str, tuple[int, int]] = field(default_factory=dict)


def method_key(enrolment_id: int, method: str) -> str:
    return f"e{enrolment_id}-{method}"


def booking_key(booking_id: int) -> str:
    return f"b{booking_id}"


def _minutes(moment: datetime) -> tuple[date, int]:
    local = timezone.localtime(moment)
    return local.date(), local.hour * 60 + local.minute


def _clock(t: time) -> int:
    return t.hour * 60 + t.minute


def duration_for(policy: Policy, method: str) -> int:
    """The policy's typical minutes for the method, else its maximum, else its minimum."""
    d = policy.duration(DURATION_ACTIVITY[method])
    if d is None:
        return FALLBACK_MINUTES
    return d.typical_minutes or d.max_minutes or d.min_minutes or FALLBACK_MINUTES


def venue_of(enrolment: Enrolment) -> str:
    employer = enrolment.employer
    parts = [employer.name, employer.address_line1, employer.city, employer.postcode]
    return "At the workplace: " + ", ".join(p for p in parts if p)


# --- assessors ----------------------------------------------------------------------


@dataclass
class _Staff:
    assessors: dict[str, Assessor]
    names: dict[str, str]
    until: dict[str, date | None]
    user_ids: dict[str, int]
    week_assessments: dict[str, int]
    week_minutes: dict[str, int]


def _assessors(epao_id: int, first: date, last: date) -> _Staff:
    """Every assessor of the EPAO with the windows of the days they may be allocated."""
    users = list(
        Membership.objects.filter(organisation_id=epao_id, role=Role.ASSESSOR)
        .select_related("user")
        .order_by("user__full_name", "user_id")
    )
    profiles: dict[int, AssessorProfile] = {
        p.user_id: p for p in profiles_with_availability().filter(epao_id=epao_id)
    }
    attended = attended_dates([p.pk for p in profiles.values()])
    windows = working_windows([p.pk for p in profiles.values()], first, last)
    out: dict[str, Assessor] = {}
    names: dict[str, str] = {}
    until: dict[str, date | None] = {}
    user_ids: dict[str, int] = {}
    weekly: dict[str, int] = {}
    weekly_minutes: dict[str, int] = {}
    for m in users:
        aid = str(m.user_id)
        if aid in out:
            continue
        names[aid] = str(m.user)
        user_ids[aid] = m.user_id
        profile = profiles.get(m.user_id)
        if profile is None:
            out[aid] = Assessor(aid, REGIONS[0], frozenset(), False, 0, 0, (), frozenset())
            continue
        facts = facts_of(profile, attended.get(profile.pk, ()))
        available: list[Window] = []
        day = first
        while day <= last:
            spans = windows.get((profile.pk, day), ())
            if spans and not allocation_refusals(facts, on=day):
                available.extend(Window(day, _clock(a), _clock(b)) for a, b in spans if b > a)
            day += timedelta(days=1)
        if available:
            ends = [w.day for w in available]
            until[aid] = max(ends)
        capacity = capacity_of(profile)
        weekly[aid] = capacity.week_assessments
        weekly_minutes[aid] = capacity.week_minutes
        regions = [r for r in profile.regions if r in REGIONS]
        out[aid] = Assessor(
            id=aid,
            home_region=regions[0] if regions else REGIONS[0],
            regions=frozenset(regions),
            remote=profile.remote_capable,
            max_per_day=capacity.day_assessments,
            max_minutes_per_day=capacity.day_minutes,
            available=tuple(available),
            conflicts=frozenset(),
        )
    return _Staff(out, names, until, user_ids, weekly, weekly_minutes)


def _caps(staff: _Staff) -> dict[str, tuple[int, int]]:
    return {aid: (n, staff.week_minutes.get(aid, 0)) for aid, n in staff.week_assessments.items()}


def capacities(epao_id: int, first: date, last: date) -> dict[tuple[str, date], int]:
    """{(region, remote or total; the Monday of the week): assessments the EPAO's assessors
    can take that week}: each working day they may be allocated counts their daily number,
    capped by their weekly number (openepa.planner.outlook)."""
    staff = _assessors(epao_id, first, last)
    out: dict[tuple[str, date], int] = defaultdict(int)
    for aid, a in staff.assessors.items():
        days: dict[date, set[date]] = defaultdict(set)
        for w in a.available:
            days[w.day - timedelta(days=w.day.weekday())].add(w.day)
        for week, worked in days.items():
            n = min(len(worked) * a.max_per_day, staff.week_assessments.get(aid, 0))
            rows = [*sorted(a.regions), *(["remote"] if a.remote else []), "total"]
            for row in rows:
                out[(row, week)] += n
    return out


def _with_conflicts(
    assessors: dict[str, Assessor], user_ids: dict[str, int], enrolments: list[Enrolment]
) -> dict[str, Assessor]:
    """Each assessor's conflicts as apprentice keys: declared against the apprentice, the
    employer or the provider and not withdrawn (openepa.bookings.queries.active_conflicts)."""
    declared = ConflictDeclaration.objects.filter(
        assessor_id__in=list(user_ids.values()), withdrawn_at__isnull=True
    ).values_list("assessor_id", "apprentice_id", "organisation_id")
    by_user: dict[int, set[str]] = defaultdict(set)
    for assessor_id, apprentice_id, organisation_id in declared:
        for e in enrolments:
            if apprentice_id == e.apprentice_id or organisation_id in (
                e.employer_id,
                e.provider_id,
            ):
                by_user[assessor_id].add(f"a{e.apprentice_id}")
    return {
        aid: Assessor(
            a.id,
            a.home_region,
            a.regions,
            a.remote,
            a.max_per_day,
            a.max_minutes_per_day,
            a.available,
            frozenset(by_user.get(user_ids.get(aid, 0), set())),
        )
        for aid, a in assessors.items()
    }


# --- methods ------------------------------------------------------------------------


def _ready_enrolments(epao_id: int) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(
            epao_id=epao_id, state__in=READY_STATES, gateway_accepted_on__isnull=False
        )
        .filter(planning_meetings__isnull=False)
        .distinct()
        .select_related("apprentice", "employer", "provider", "policy", "standard")
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=Booking.objects.exclude(status=Booking.Status.CANCELLED),
                to_attr="live",
            ),
            Prefetch(
                "planning_meetings",
                queryset=PlanningMeeting.objects.order_by("-held_on", "-id").prefetch_related(
                    "preferred_slots"
                ),
                to_attr="meetings",
            ),
            Prefetch(
                "gateway_submissions",
                queryset=GatewaySubmission.objects.filter(
                    status=GatewaySubmission.Status.ACCEPTED
                ).order_by("-submitted_at"),
                to_attr="accepted",
            ),
        )
        .order_by("gateway_accepted_on", "id")
    )


def window_of(
    enrolment: Enrolment, policy: Policy, first: date, last: date, accepted: list[GatewaySubmission]
) -> tuple[date, str, date, str]:
    """The first and last day a first attempt may be booked inside the horizon, each with
    the rule that sets it (openepa.bookings.rules: check_notice, epa_window_problem)."""
    earliest, earliest_why = first, "the first day of the horizon"
    gateway = enrolment.gateway_accepted_on
    if gateway is not None and gateway > earliest:
        earliest, earliest_why = gateway, f"gateway accepted on {long_date(gateway)}"
    if accepted and accepted[0].submitted_at is not None:
        sent = timezone.localdate(accepted[0].submitted_at)
        notice = earliest_assessment_date(sent, policy)
        if notice is not None and notice > earliest:
            earliest = notice
            earliest_why = (
                f"{policy.gateway.notice_working_days} working days' notice from the gateway "
                f"form sent on {long_date(sent)} ({policy.name} policy)"
            )
    latest, latest_why = last, "the last day of the horizon"
    window = policy.epa_window
    if window is not None and not window.advisory and window.anchor == Anchor.GATEWAY and gateway:
        end = epa_window_end(gateway, policy)
        if end is not None and end < latest:
            latest = end
            latest_why = (
                f"the {policy.name} EPA window ends on {long_date(end)} ({window.months} months "
                f"from gateway acceptance)"
            )
    return earliest, earliest_why, latest, latest_why


def _methods(
    enrolments: list[Enrolment], first: date, last: date
) -> tuple[list[MethodInfo], list[NotPlannable], dict[str, str | None]]:
    infos: list[MethodInfo] = []
    refused: list[NotPlannable] = []
    after: dict[str, str | None] = {}
    for e in enrolments:
        policy = policy_of(e)
        codes = {m.code.value for m in standard_of(e).methods}
        live = {b.method: b for b in getattr(e, "live", [])}
        meetings: list[PlanningMeeting] = getattr(e, "meetings", [])
        accepted: list[GatewaySubmission] = getattr(e, "accepted", [])
        meeting = meetings[0]
        wishes = {
            slot.method: (Preferred(slot.day, _clock(slot.start) if slot.start else None),)
            for slot in meeting.preferred_slots.all()
        }
        early, early_why, late, late_why = window_of(e, policy, first, last, accepted)
        region = region_of_postcode(e.employer.postcode)
        blocked_discussion: str | None = None
        for method in ORDER:
            if method not in codes or method in live:
                continue
            remote = method != "observation" or meeting.observation_setting != "workplace"
            key = method_key(e.pk, method)
            m_early, m_why = early, early_why
            if method == "discussion" and "observation" in live:
                obs_day = timezone.localdate(live["observation"].starts_at)
                if obs_day + timedelta(days=1) > m_early:
                    m_early = obs_day + timedelta(days=1)
                    m_why = f"the practical observation is booked on {long_date(obs_day)}"
            reason = None
            if method == "discussion" and blocked_discussion:
                reason = blocked_discussion
            elif not remote and region is None:
                reason = (
                    f"the observation is in person at the workplace, but the employer's postcode "
                    f"({e.employer.postcode or 'none recorded'}) gives no region in England: "
                    "record the employer's address or book it by hand"
                )
            elif m_early > late:
                reason = f"its earliest day ({long_date(m_early)}, {m_why}) is after {late_why} ({long_date(late)})"
            if reason is not None:
                refused.append(NotPlannable(e.pk, method, remote, region, reason))
                if method == "observation":
                    blocked_discussion = "the practical observation, which comes first, " + reason
                continue
            infos.append(
                MethodInfo(
                    key=key,
                    enrolment_id=e.pk,
                    apprentice=str(e.apprentice),
                    method=method,
                    duration=duration_for(policy, method),
                    remote=remote,
                    region=None if remote else region,
                    venue="" if remote else venue_of(e),
                    earliest=m_early,
                    latest=late,
                    earliest_why=m_why,
                    latest_why=late_why,
                    preferred=wishes.get(method, ()),
                )
            )
            after[key] = (
                method_key(e.pk, "observation")
                if method == "discussion" and "observation" not in live
                else None
            )
    return infos, refused, after


def _existing(
    user_ids: dict[str, int], first: date, last: date, skip: frozenset[int] = frozenset()
) -> tuple[Existing, ...]:
    """Active bookings of these assessors in the horizon (at any EPAO): never moved."""
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    by_user = {uid: aid for aid, uid in user_ids.items()}
    rows = (
        Booking.objects.filter(
            assessor_id__in=list(user_ids.values()),
            status=Booking.Status.ACTIVE,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .exclude(pk__in=list(skip))
        .select_related("enrolment__employer")
    )
    out = []
    for b in rows:
        day, begin = _minutes(b.starts_at)
        duration = min(b.duration_minutes, 24 * 60 - begin)
        region = None if b.remote else region_of_postcode(b.enrolment.employer.postcode)
        out.append(
            Existing(
                booking_key(b.pk),
                by_user[b.assessor_id],
                day,
                begin,
                duration,
                REMOTE if b.remote else IN_PERSON,
                region,
            )
        )
    return tuple(out)


def _engine_method(
    info: MethodInfo, after: str | None, eligible: list[str], apprentice: str
) -> Method:
    return Method(
        id=info.key,
        apprentice=apprentice,
        method=info.method,
        duration=info.duration,
        mode=REMOTE if info.remote else IN_PERSON,
        region=info.region,
        earliest=info.earliest,
        latest=info.latest,
        after=after,
        eligible=tuple(eligible),
        # Only a preferred date the method may take: the engine honours none outside the
        # window (openepa.scheduling.cpsat, greedy); the explanation still names it.
        preferred=tuple(p for p in info.preferred if info.earliest <= p.day <= info.latest),
    )


def _assemble(
    epao_id: int,
    first: date,
    last: date,
    seconds: float,
    assessors: dict[str, Assessor],
    infos: list[MethodInfo],
    after: dict[str, str | None],
    apprentices: dict[int, str],
    existing: tuple[Existing, ...],
) -> tuple[Instance, list[NotPlannable], dict[str, MethodInfo]]:
    """The engine's instance; methods no assessor may take are set aside with the reason."""
    refused: list[NotPlannable] = []
    methods: dict[str, Method] = {}
    kept: dict[str, MethodInfo] = {}
    for info in infos:
        apprentice = apprentices[info.enrolment_id]
        # Only assessors able to attend (the region in person, or remote work): the engine
        # would refuse the others anyway, and a short list keeps its model small.
        eligible = [
            a.id
            for a in assessors.values()
            if a.available
            and apprentice not in a.conflicts
            and (a.remote if info.remote else info.region in a.regions)
            and any(info.earliest <= w.day <= info.latest for w in a.available)
        ]
        before = after.get(info.key)
        if before is not None and before not in kept:
            refused.append(
                NotPlannable(
                    info.enrolment_id,
                    info.method,
                    info.remote,
                    info.region,
                    "the practical observation, which comes first, cannot be planned",
                    info.booking_id,
                )
            )
            continue
        if not eligible:
            refused.append(
                NotPlannable(
                    info.enrolment_id,
                    info.method,
                    info.remote,
                    info.region,
                    "no assessor can take it in its window: none may be allocated "
                    "(competence, qualification, standardisation, availability, conflict of "
                    "interest) and "
                    + ("assesses remotely" if info.remote else "covers the region in person"),
                    info.booking_id,
                )
            )
            continue
        methods[info.key] = _engine_method(info, before, eligible, apprentice)
        kept[info.key] = info
    order = {k: i for i, k in enumerate(methods)}
    followers: dict[str, list[str]] = defaultdict(list)
    for m in methods.values():
        if m.after is not None:
            followers[m.after].append(m.id)
    instance = Instance(
        policy=str(epao_id),
        start=first,
        end=last,
        time_limit_s=seconds,
        travel=travel_minutes(),
        assessors=assessors,
        methods=methods,
        existing=existing,
        order=order,
        followers={k: tuple(v) for k, v in followers.items()},
    )
    return instance, refused, kept


def build_instance(epao_id: int, first: date, last: date, seconds: float = 20.0) -> Built:
    """Every method ready to book for the EPAO in [first, last] (issue 16 §5)."""
    staff = _assessors(epao_id, first, last)
    assessors, names, until, user_ids = staff.assessors, staff.names, staff.until, staff.user_ids
    enrolments = _ready_enrolments(epao_id)
    assessors = _with_conflicts(assessors, user_ids, enrolments)
    infos, refused, after = _methods(enrolments, first, last)
    apprentices = {e.pk: f"a{e.apprentice_id}" for e in enrolments}
    existing = _existing(user_ids, first, last)
    instance, more, kept = _assemble(
        epao_id, first, last, seconds, assessors, infos, after, apprentices, existing
    )
    return Built(instance, kept, names, refused + more, until, _caps(staff))


def build_replan_instance(
    epao_id: int, first: date, last: date
) -> tuple[Built, dict[str, tuple[str, date, int]]]:
    """For re-planning: the EPAO's active bookings in [first, last] become movable methods
    (with the windows their enrolments allow), and their current places the plan; other
    EPAOs' bookings stay fixed. Returns the built instance and {key: (assessor, day, start)}."""
    staff = _assessors(epao_id, first, last)
    assessors, names, until, user_ids = staff.assessors, staff.names, staff.until, staff.user_ids
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    bookings = list(
        Booking.objects.filter(
            enrolment__epao_id=epao_id,
            status=Booking.Status.ACTIVE,
            starts_at__gte=start,
            starts_at__lt=end,
            assessor_id__in=list(user_ids.values()),
        )
        .select_related("enrolment__employer", "enrolment__policy", "enrolment__apprentice")
        .prefetch_related(
            Prefetch(
                "enrolment__gateway_submissions",
                queryset=GatewaySubmission.objects.filter(
                    status=GatewaySubmission.Status.ACCEPTED
                ).order_by("-submitted_at"),
                to_attr="accepted",
            )
        )
        .order_by("starts_at", "id")
    )
    enrolments = list({b.enrolment_id: b.enrolment for b in bookings}.values())
    assessors = _with_conflicts(assessors, user_ids, enrolments)
    by_user = {uid: aid for aid, uid in user_ids.items()}
    infos: list[MethodInfo] = []
    after: dict[str, str | None] = {}
    current: dict[str, tuple[str, date, int]] = {}
    observation_of: dict[int, str] = {}
    for b in bookings:
        e = b.enrolment
        policy = policy_of(e)
        sent: list[GatewaySubmission] = getattr(e, "accepted", [])
        early, early_why, late, late_why = window_of(e, policy, first, last, sent)
        day, begin = _minutes(b.starts_at)
        # A booking already made stays movable inside its own day when the rules' window
        # would no longer hold it (the rules were met when it was booked).
        early, late = min(early, day), max(late, day)
        key = booking_key(b.pk)
        region = None if b.remote else region_of_postcode(e.employer.postcode)
        infos.append(
            MethodInfo(
                key,
                e.pk,
                str(e.apprentice),
                b.method,
                b.duration_minutes,
                b.remote or region is None,
                region,
                b.venue,
                early,
                late,
                early_why,
                late_why,
                booking_id=b.pk,
            )
        )
        if b.method == "observation":
            observation_of[e.pk] = key
        current[key] = (by_user[b.assessor_id], day, begin)
    for info in infos:
        obs = observation_of.get(info.enrolment_id)
        after[info.key] = obs if info.method == "discussion" and obs else None
    apprentices = {e.pk: f"a{e.apprentice_id}" for e in enrolments}
    existing = _existing(user_ids, first, last, skip=frozenset(b.pk for b in bookings))
    instance, refused, kept = _assemble(
        epao_id, first, last, 5.0, assessors, infos, after, apprentices, existing
    )
    # A booking set aside keeps its place: it becomes fixed, like another EPAO's.
    held = {r.booking_id for r in refused if r.booking_id is not None}
    extra = tuple(
        Existing(
            booking_key(b.pk),
            by_user[b.assessor_id],
            *_minutes(b.starts_at),
            b.duration_minutes,
            REMOTE if b.remote else IN_PERSON,
            None,
        )
        for b in bookings
        if b.pk in held
    )
    instance = replace(instance, existing=instance.existing + extra)
    return Built(instance, kept, names, refused, until, _caps(staff)), {
        k: v for k, v in current.items() if k in kept
    }
