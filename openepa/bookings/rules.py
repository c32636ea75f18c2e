"""The rules a booking must satisfy, each raising ActionRefused(message, field) with the
rule in plain words and its source. Called by the booking actions on a locked enrolment.

Kept apart from actions.py so each rule reads on its own; the date arithmetic itself is in
openepa.domain.dates and the grading in openepa.domain (no rule is re-implemented here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from openepa.accounts.models import Membership, Role
from openepa.assessors.queries import allocation_problems
from openepa.bookings import diary
from openepa.bookings.hooks import attempt_history
from openepa.bookings.models import SLOT_MINUTES, AssessorSlot, Booking
from openepa.bookings.queries import (
    active_conflicts,
    latest_planning_meeting,
    live_bookings,
)
from openepa.core.refusals import ActionRefused
from openepa.domain.dates import (
    all_methods_deadline,
    earliest_assessment_date,
    epa_window_end,
    resit_deadline,
)
from openepa.domain.grading import AttemptKind, resit_refusal
from openepa.domain.journey import State
from openepa.domain.policy import Anchor, Policy
from openepa.domain.steps import ResultStep
from openepa.enrolments.models import Enrolment, JourneyEvent
from openepa.gateway.models import GatewaySubmission
from openepa.gateway.queries import rules_for

METHOD_WORDS = {
    "showcase": "apprentice showcase",
    "observation": "practical observation",
    "discussion": "professional discussion",
}
#: The policy's duration entry for each method (openepa/policies/schema.yaml durations).
DURATION_ACTIVITY = {
    "observation": "observation",
    "discussion": "discussion",
    "showcase": "showcase_interview",
}


def policy_minutes(policy: Policy, method: str) -> int | None:
    """The duration to prefill for a method: the policy's typical minutes, else its
    maximum, else its minimum (seed 000 §2.4, 002, 004 durations); None when silent."""
    duration = policy.duration(DURATION_ACTIVITY.get(method, ""))
    if duration is None:
        return None
    for minutes in (duration.typical_minutes, duration.max_minutes, duration.min_minutes):
        if minutes:
            return minutes
    return None


#: Seed 002: a discussion follow-up of an observation resit, for carried-over criteria only.
FOLLOW_UP = AttemptKind.FOLLOW_UP.value
BOOKABLE_STATES = {State.PLANNING, State.IN_ASSESSMENT, State.RESIT_DUE}
#: Recorded by an EPAO admin (results context) for exceptional circumstances (seed 000 §4).
KINDS = {"first", "resit", "retake", FOLLOW_UP}


@dataclass(frozen=True)
class Proposal:
    """A booking as the admin asked for it."""

    method: str
    kind: str
    starts_at: datetime
    duration_minutes: int
    assessor_id: int
    remote: bool = False
    venue: str = ""
    retake_checklist_confirmed: bool = False
    further_learning_summary: str = ""

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def day(self) -> date:
        return timezone.localdate(self.starts_at)


def when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%A %-d %B %Y at %H:%M}"


def day_words(day: date) -> str:
    return f"{day:%A %-d %B %Y}"


def check_input(p: Proposal) -> None:
    """Shape of the request: a known method and kind, a 5-minute start, a place."""
    if p.method not in METHOD_WORDS:
        raise ActionRefused("Choose the assessment method.", field="method")
    if p.kind not in KINDS:
        raise ActionRefused(
            "Choose first attempt, resit, retake or discussion follow-up.", field="kind"
        )
    if timezone.is_naive(p.starts_at):
        raise ActionRefused("Give the start date and time.", field="starts_at")
    local = timezone.localtime(p.starts_at)
    # Slots are five minutes long, so a start between them would straddle two slots.
    if local.minute % SLOT_MINUTES or local.second or local.microsecond:
        raise ActionRefused(
            f"Start times must be on a {SLOT_MINUTES}-minute boundary (for example 10:00 or "
            f"10:05); {local:%H:%M:%S} is not.",
            field="starts_at",
        )
    if p.duration_minutes <= 0:
        raise ActionRefused("Give the duration in minutes.", field="duration_minutes")
    if not p.remote and not p.venue.strip():
        raise ActionRefused(
            "Give the venue, or tick that the assessment is held remotely.", field="venue"
        )


def check_state(enrolment: Enrolment) -> None:
    if enrolment.journey_state not in BOOKABLE_STATES:
        raise ActionRefused(
            "Assessments can be booked once the planning meeting is recorded; "
            f"this enrolment is {enrolment.journey_state.label.lower()}."
        )


def check_assessor(enrolment: Enrolment, p: Proposal, assessor_name: str) -> None:
    """An assessor of this EPAO, with no declared conflict (seed 003 §6)."""
    if not Membership.objects.filter(
        user_id=p.assessor_id, organisation_id=enrolment.epao_id, role=Role.ASSESSOR
    ).exists():
        raise ActionRefused(
            f"Choose an independent end-point assessor of {enrolment.epao}.", field="assessor"
        )
    conflicts = active_conflicts(p.assessor_id, enrolment)
    if conflicts:
        named = ", ".join(
            f"the apprentice {c.apprentice}" if c.apprentice else str(c.organisation)
            for c in conflicts
        )
        raise ActionRefused(
            f"{assessor_name} has declared a conflict of interest with {named}; an assessor "
            "must have no direct relationship with the apprentice (ST0072 assessment plan (IfATE) — §6). Choose "
            "another assessor.",
            field="assessor",
        )


def check_allocation(enrolment: Enrolment, p: Proposal, assessor_name: str) -> None:
    """The assessor meets the assessment plan's requirements on the assessment day: 2+
    years' occupational competence, an assessor qualification held or in progress, and
    standardisation within 12 months (seed 003 §6, §9); available that day and able to
    assess remotely when it is remote (openepa.domain.allocation)."""
    problems = allocation_problems(
        assessor_id=p.assessor_id,
        epao_id=enrolment.epao_id,
        on=p.day,
        remote=p.remote,
        name=assessor_name,
    )
    if problems:
        raise ActionRefused(" ".join(problems), field="assessor")


def check_diary(enrolment: Enrolment, p: Proposal, assessor_name: str) -> None:
    """Inside the assessor's working hours, not on leave or a part day off, and within
    their daily and weekly capacity (openepa.domain.diary; the product defaults where the
    assessor has set nothing). An assessor with no profile is refused by check_allocation."""
    profile = diary.profile_for(p.assessor_id, enrolment.epao_id)
    if profile is None:
        return
    found = diary.clashes(profile, p.starts_at, p.duration_minutes, assessor_name)
    if found:
        raise ActionRefused(" ".join(found), field="assessor")


def check_follow_up_duration(policy: Policy, p: Proposal) -> None:
    """A discussion follow-up lasts at most the policy's follow-up minutes (seed 002:
    "an additional professional discussion follow-up of 30 minutes"); where the policy is
    silent, at most the discussion's own maximum."""
    limit = policy.resits.resit_with_discussion_follow_up_minutes
    rule = policy.cite("resits")
    if limit is None:
        duration = policy.duration(DURATION_ACTIVITY["discussion"])
        limit = duration.max_minutes if duration is not None else None
        rule = f"{policy.name} policy: the professional discussion's maximum"
    if limit is not None and p.duration_minutes > limit:
        raise ActionRefused(
            f"A discussion follow-up lasts at most {limit} minutes ({rule}); "
            f"{p.duration_minutes} minutes were given.",
            field="duration_minutes",
        )


def check_duration(policy: Policy, p: Proposal) -> None:
    """Within the policy's bounds for the activity; an unstated bound is not enforced
    (seed 000 §2.4, 002, 004 durations)."""
    if p.kind == FOLLOW_UP:
        check_follow_up_duration(policy, p)
        return
    activity = DURATION_ACTIVITY[p.method]
    duration = policy.duration(activity)
    if duration is None or duration.allows(p.duration_minutes):
        return
    bounds = []
    if duration.min_minutes is not None:
        bounds.append(f"at least {duration.min_minutes}")
    if duration.max_minutes is not None:
        bounds.append(f"at most {duration.max_minutes}")
    source = policy.cite(f"durations.{activity}")
    raise ActionRefused(
        f"The {policy.name} policy allows {' and '.join(bounds)} minutes for the "
        f"{activity.replace('_', ' ')}; {p.duration_minutes} minutes were given ({source}).",
        field="duration_minutes",
    )


def attempt_number(enrolment: Enrolment, p: Proposal, policy: Policy) -> int:
    """First attempt, resit or retake (seed 000 §4, 002, 004): a resit or retake only
    after a Fail of the method's latest submitted attempt, never to improve a Pass; a
    retake needs further learning and the checklist where the policy says (seed 002)."""
    if p.kind == FOLLOW_UP:
        return follow_up_number(enrolment, p)
    previous = attempt_history().attempts_of(enrolment, p.method)
    words = METHOD_WORDS[p.method]
    if enrolment.journey_state == State.RESIT_DUE and p.kind == "first":
        raise ActionRefused(
            "The apprentice is due a resit or retake: book the failed method as a resit or retake.",
            field="kind",
        )
    if previous == 0:
        if p.kind != "first":
            raise ActionRefused(
                f"The {words} has not been attempted yet: book it as a first attempt.",
                field="kind",
            )
        return 1
    if p.kind == "first":
        raise ActionRefused(
            f"The {words} has been attempted {previous} time(s): a further attempt is a resit or retake.",
            field="kind",
        )
    refusal = resit_refusal(attempt_history().latest_method_grade(enrolment, p.method))
    if refusal:
        raise ActionRefused(
            f"{refusal[:1].upper()}{refusal[1:]} (the {words}).",
            field="kind",
        )
    if p.kind == "retake" and policy.resits.retake_checklist_required:
        if not p.retake_checklist_confirmed:
            raise ActionRefused(
                f"A retake needs the retake checklist ({policy.cite('resits')}): "
                "confirm it is complete.",
                field="retake_checklist_confirmed",
            )
        if not p.further_learning_summary.strip():
            raise ActionRefused(
                f"A retake follows a period of further learning ({policy.cite('resits')}): "
                "summarise it.",
                field="further_learning_summary",
            )
    return previous + 1


def check_funded_attempts(enrolment: Enrolment, p: Proposal, number: int) -> None:
    """Seed 004: "It is then up to the apprentice's employer how many attempts an apprentice
    is given": a resit or retake beyond the number of attempts the employer funds is
    refused, naming the limit. No limit recorded: nothing is enforced."""
    limit = enrolment.funded_attempts
    if limit is None or p.kind not in {"resit", "retake"} or number <= limit:
        return
    raise ActionRefused(
        f"This would be attempt {number} of the {METHOD_WORDS[p.method]}, but the employer "
        f"funds {limit} attempt{'s' if limit != 1 else ''} of each method: how many attempts "
        "an apprentice is given is up to their employer, who can change the number on the "
        "apprentice's training plan and attempts page.",
        field="kind",
    )


def follow_up_number(enrolment: Enrolment, p: Proposal) -> int:
    """Seed 002: a failed observation is resat "along with an additional professional
    discussion follow-up" when a suitable situation to evidence the criteria did not occur.
    Only a professional discussion, only while the latest submitted observation has
    carried-over criteria no discussion has judged; it is neither a first attempt nor a
    resit of the discussion, so it is numbered after the discussion's sheets."""
    rule = (
        "a discussion follow-up judges only observation criteria carried over because the "
        "situation did not arise"
    )
    if p.method != "discussion":
        raise ActionRefused(
            f"Only the professional discussion can be booked as a follow-up, not the "
            f"{METHOD_WORDS[p.method]}: {rule}.",
            field="kind",
        )
    if enrolment.journey_state != State.IN_ASSESSMENT or not attempt_history().open_carry_over(
        enrolment
    ):
        raise ActionRefused(
            "No observation criteria are waiting to be judged, so there is nothing for a "
            f"discussion follow-up to assess: {rule}.",
            field="kind",
        )
    return attempt_history().attempts_of(enrolment, p.method) + 1


def _window_overridden(enrolment: Enrolment) -> bool:
    """An EPAO admin recorded exceptional circumstances after the fail (seed 000 §4)."""
    assert enrolment.fail_notified_on is not None
    return JourneyEvent.objects.filter(
        enrolment=enrolment,
        action=ResultStep.OVERRIDE_RESIT_WINDOW,
        at__date__gte=enrolment.fail_notified_on,
    ).exists()


def check_resit_window(enrolment: Enrolment, policy: Policy, p: Proposal) -> None:
    """Resit or retake within the policy's window from the fail notification (seed 000 §4),
    and every method within the policy's period from the first attempt (seed 004: 6
    months); otherwise the whole EPA is taken again, unless exceptional circumstances are
    recorded."""
    if p.kind == "first" or enrolment.fail_notified_on is None:
        return
    again = (
        "the whole EPA must be taken again unless an EPAO admin records exceptional circumstances."
    )
    deadline = resit_deadline(enrolment.fail_notified_on, policy)
    if deadline is not None and p.day > deadline and not _window_overridden(enrolment):
        raise ActionRefused(
            f"The resit window ended on {day_words(deadline)} ({policy.name} policy: within "
            f"the window from the fail notification on {day_words(enrolment.fail_notified_on)}, "
            f"{policy.cite('resits.window')}); {again}",
            field="starts_at",
        )
    first = enrolment.first_activity_on
    if first is None:
        return
    all_by = all_methods_deadline(first, policy)
    if all_by is not None and p.day > all_by and not _window_overridden(enrolment):
        raise ActionRefused(
            f"Every assessment method had to be taken by {day_words(all_by)} ({policy.name} "
            f"policy: within the period from the first attempt on {day_words(first)}); "
            f"{again}",
            field="starts_at",
        )


def check_one_pending(enrolment: Enrolment, p: Proposal) -> None:
    clash = attempt_history().pending_bookings(enrolment).filter(method=p.method).first()
    if clash is not None:
        raise ActionRefused(
            f"The {METHOD_WORDS[p.method]} is already booked for {when(clash.starts_at)}: "
            "reschedule or cancel that booking instead.",
            field="method",
        )


def check_notice(enrolment: Enrolment, policy: Policy, p: Proposal) -> None:
    """The gateway form at least N working days before the EPA (seed 004: 10 working days)."""
    accepted = (
        GatewaySubmission.objects.filter(
            enrolment=enrolment, status=GatewaySubmission.Status.ACCEPTED
        )
        .order_by("-submitted_at")
        .first()
    )
    if accepted is None:
        return
    sent = timezone.localdate(accepted.submitted_at)
    earliest = earliest_assessment_date(sent, policy)
    if earliest is not None and p.day < earliest:
        raise ActionRefused(
            f"The {policy.name} policy needs the gateway form at least "
            f"{policy.gateway.notice_working_days} working days before the assessment: the "
            f"form was sent on {day_words(sent)}, so the earliest date is {day_words(earliest)}.",
            field="starts_at",
        )


def epa_window_problem(enrolment: Enrolment, policy: Policy, p: Proposal) -> str | None:
    """Why a first attempt falls outside the policy's EPA window, or None.

    Anchored at gateway acceptance (seed 000 §1.1, seed 004 'Gateway') or at the first
    assessment activity (seed 002, advisory). Resits and retakes are governed by the resit
    window instead (seed 000 §4)."""
    window = policy.epa_window
    if window is None or p.kind != "first":
        return None
    source = policy.cite("epa_window")
    if window.anchor == Anchor.GATEWAY:
        anchor = enrolment.gateway_accepted_on
        if anchor is None:
            return None
        if p.day < anchor:
            return f"the {METHOD_WORDS[p.method]} on {day_words(p.day)} is before gateway was accepted on {day_words(anchor)}"
        latest = p.day
        what = "gateway acceptance"
    else:
        days = [
            timezone.localdate(b.starts_at)
            for b in live_bookings(enrolment).filter(kind="first").only("starts_at")
        ]
        if enrolment.first_activity_on is not None:
            days.append(enrolment.first_activity_on)
        days.append(p.day)
        anchor, latest = min(days), max(days)
        what = "the first assessment activity"
    end = epa_window_end(anchor, policy)
    if end is None or latest <= end:
        return None
    return (
        f"the {policy.name} EPA window is {window.months} months from {what} on "
        f"{day_words(anchor)} and ends on {day_words(end)}; {day_words(latest)} is after it"
        + (f" ({source})" if source else "")
    )


def check_order(enrolment: Enrolment, p: Proposal) -> None:
    """The observation comes before the discussion (seed 000 §2.4, seed 002)."""
    rule = "the practical observation comes before the professional discussion"
    if p.method == "discussion":
        observation = (
            live_bookings(enrolment).filter(method="observation").order_by("-starts_at").first()
        )
        if observation is None:
            raise ActionRefused(f"Book the practical observation first: {rule}.", field="method")
        ends = observation.starts_at + timedelta(minutes=observation.duration_minutes)
        if p.starts_at < ends:
            raise ActionRefused(
                f"The professional discussion cannot start before the practical observation "
                f"ends ({when(ends)}): {rule}.",
                field="starts_at",
            )
    if p.method == "observation":
        discussion = (
            attempt_history()
            .pending_bookings(enrolment)
            .filter(method="discussion")
            .order_by("starts_at")
            .first()
        )
        if discussion is not None and p.ends_at > discussion.starts_at:
            raise ActionRefused(
                f"The practical observation must end before the professional discussion booked "
                f"for {when(discussion.starts_at)}: {rule}.",
                field="starts_at",
            )


def check_remote_observation(enrolment: Enrolment, p: Proposal) -> None:
    """A remote observation needs the equipment and room checked at planning (seed 002)."""
    if p.method != "observation" or not p.remote:
        return
    meeting = latest_planning_meeting(enrolment)
    if meeting is None or not meeting.remote_observation_checked:
        raise ActionRefused(
            "A remote observation needs the planning meeting to confirm the remote checks "
            "(camera, microphone, screen sharing and a private room, or a workplace camera "
            "person when not desk-based). Record them, or book the observation in person.",
            field="remote",
        )


def slot_starts(p: Proposal) -> list[datetime]:
    """One start per five minutes the booking occupies (a part-slot counts in full)."""
    count = -(-p.duration_minutes // SLOT_MINUTES)
    return [p.starts_at + timedelta(minutes=SLOT_MINUTES * i) for i in range(count)]


def check_assessor_free(p: Proposal, assessor_name: str) -> None:
    """Friendly message naming the clash; the unique (assessor, starts_at) constraint on
    AssessorSlot is the guarantee when two admins book at the same instant."""
    clash = (
        AssessorSlot.objects.filter(assessor_id=p.assessor_id, starts_at__in=slot_starts(p))
        .select_related("booking__enrolment__apprentice")
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        other: Booking = clash.booking
        raise ActionRefused(
            f"{assessor_name} is already booked at that time: {other.get_method_display().lower()} "
            f"with {other.enrolment.apprentice} from {when(other.starts_at)} for "
            f"{other.duration_minutes} minutes.",
            field="assessor",
        )


def window_warning(booking: Booking) -> str | None:
    """The advisory EPA-window note to show on a booking (seed 002: Highfield *suggests* a
    3-month window from the first activity, so it warns rather than refuses)."""
    _, policy = rules_for(booking.enrolment)
    if booking.status != Booking.Status.ACTIVE or not (
        policy.epa_window and policy.epa_window.advisory
    ):
        return None
    proposal = Proposal(
        method=booking.method,
        kind=booking.kind,
        starts_at=booking.starts_at,
        duration_minutes=booking.duration_minutes,
        assessor_id=booking.assessor_id,
    )
    problem = epa_window_problem(booking.enrolment, policy, proposal)
    return (
        f"{problem[:1].upper()}{problem[1:]}. This window is advisory, so the booking stands."
        if problem
        else None
    )
