"""Checking a demo of any size: a sample of its enrolments, each read back from the database
and judged by the domain's rules (`openepa check-demo`, and the tests in tests/demo).

For each sampled enrolment: its ULN has a valid check digit; its journey events follow the
transition table in time order and end in the enrolment's state, none dated after now; every
row of its story (bookings, marking sheets, IQA samples, results, export batches, and the ids
its journey events name) belongs to it; its booked assessors have a profile at the EPAO and
attended standardisation, accepted each booking before it started and submitted each sheet
after; its current result's grades are what the domain's grading of its sheets gives; and
each certificate request it was exported in names its own ULN and family name."""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.db.models import Model
from django.utils import timezone

from openepa.assessments.models import Attempt
from openepa.assessors.models import AssessorProfile, Attendance
from openepa.bookings.models import Booking
from openepa.certificates.models import ExportedRecord
from openepa.domain.journey import Event, State, next_state
from openepa.domain.jsontypes import Json
from openepa.domain.steps import EnrolmentStep
from openepa.domain.uln import validate_uln
from openepa.enrolments.models import Enrolment, JourneyEvent
from openepa.quality.models import IqaSample
from openepa.results.models import OverallResult
from openepa.results.queries import graded_epa

#: Journey-event data keys naming another row, and the path from that row to its enrolment.
EVENT_ROWS: dict[str, tuple[str, str]] = {
    "submission": ("gateway.GatewaySubmission", "enrolment_id"),
    "meeting": ("bookings.PlanningMeeting", "enrolment_id"),
    "booking": ("bookings.Booking", "enrolment_id"),
    "booking_id": ("bookings.Booking", "enrolment_id"),
    "sample": ("quality.IqaSample", "attempt__enrolment_id"),
    "result_id": ("results.OverallResult", "enrolment_id"),
    "batch_id": ("certificates.ExportBatch", "records__result__enrolment_id"),
    "adjustment_id": ("cases.ReasonableAdjustment", "enrolment_id"),
    "case_id": ("cases.Case", "enrolment_id"),
    "attempt_id": ("assessments.Attempt", "enrolment_id"),
}


@dataclass
class Report:
    checked: int = 0
    by_state: Counter[str] = field(default_factory=Counter)
    results_graded: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Json]:
        return {
            "checked": self.checked,
            "states": dict(sorted(self.by_state.items())),
            "results_graded": self.results_graded,
            "problems": self.problems,
        }


def sample_enrolments(size: int, seed: int = 1) -> list[int]:
    """`size` enrolment ids drawn at random, with at least a few of every state."""
    ids_by_state: dict[str, list[int]] = defaultdict(list)
    for pk, state in Enrolment.objects.values_list("pk", "state").order_by("pk"):
        ids_by_state[state].append(pk)
    rng = random.Random(seed)
    chosen: set[int] = set()
    for ids in ids_by_state.values():
        chosen.update(rng.sample(ids, min(3, len(ids))))
    everyone = [pk for ids in ids_by_state.values() for pk in ids]
    rest = [pk for pk in everyone if pk not in chosen]
    chosen.update(rng.sample(rest, max(0, min(size - len(chosen), len(rest)))))
    return sorted(chosen)


def check_demo(size: int = 500, seed: int = 1, now: datetime | None = None) -> Report:
    """Check `size` enrolments sampled from the database (all of them if fewer)."""
    return check_enrolments(sample_enrolments(size, seed), now=now)


def check_enrolments(ids: Sequence[int], now: datetime | None = None) -> Report:
    now = now or timezone.now()
    report = Report()
    enrolments = Enrolment.objects.filter(pk__in=ids).select_related("apprentice")
    events: dict[int, list[JourneyEvent]] = defaultdict(list)
    for event in JourneyEvent.objects.filter(enrolment_id__in=ids).order_by("id"):
        events[event.enrolment_id].append(event)
    for enrolment in enrolments:
        report.checked += 1
        report.by_state[enrolment.state] += 1
        found = [
            *timeline_problems(enrolment, events[enrolment.pk], now),
            *uln_problems(enrolment),
            *name_copy_problems(enrolment),
            *event_row_problems(enrolment, events[enrolment.pk]),
            *booking_problems(enrolment),
            *export_problems(enrolment),
        ]
        graded, problems = result_problems(enrolment)
        report.results_graded += graded
        found += problems
        report.problems += [f"enrolment {enrolment.pk}: {p}" for p in found]
    return report


def timeline_problems(
    enrolment: Enrolment, timeline: Sequence[JourneyEvent], now: datetime
) -> list[str]:
    """The events follow the transition table in time order and end in the enrolment's
    state; none is dated after `now`."""
    problems = []
    times = [e.at for e in timeline]
    if not timeline:
        return ["no journey events"]
    if times != sorted(times):
        problems.append("events out of time order")
    if times[-1] > now:
        problems.append(f"an event dated {times[-1]}, after now")
    state: State | None = None
    for event in timeline:
        if event.action == EnrolmentStep.REGISTER:
            state = State(event.to_state)
            continue
        if state is None:
            problems.append(f"{event.action} before registration")
            continue
        # Every event happens in the state the one before it left.
        if event.from_state != state.value:
            problems.append(f"{event.action} from {event.from_state}")
        if event.to_state != event.from_state:
            # A change of state is the transition table's answer to the event.
            moved = next_state(state, Event(event.action))
            if moved.value != event.to_state:
                problems.append(f"{event.action} to {event.to_state}")
            state = moved
    if state is None or state.value != enrolment.state:
        problems.append(f"ends {state}, enrolment is {enrolment.state}")
    return problems


def uln_problems(enrolment: Enrolment) -> list[str]:
    reason = validate_uln(enrolment.apprentice.uln)
    return [f"ULN {enrolment.apprentice.uln}: {reason}"] if reason else []


def name_copy_problems(enrolment: Enrolment) -> list[str]:
    """The names the searches read (the enrolment's copies, migration enrolments 0011) are
    its apprentice's: a copied enrolment gets them from the database, not from its template."""
    apprentice = enrolment.apprentice
    copied = (enrolment.given_name_copy, enrolment.family_name_copy)
    if copied == (apprentice.given_name, apprentice.family_name):
        return []
    return [f"names copied for searching {copied} are not the apprentice's ({apprentice})"]


def event_row_problems(enrolment: Enrolment, timeline: Iterable[JourneyEvent]) -> list[str]:
    """Every row a journey event names is one of the enrolment's own."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in timeline:
        for key, value in (event.data or {}).items():
            if key in EVENT_ROWS and isinstance(value, int):
                wanted[key].add(value)
            elif key == "attempt" and "starts_at" not in event.data and isinstance(value, int):
                wanted["attempt_id"].add(value)
    problems = []
    for key, pks in wanted.items():
        label, path = EVENT_ROWS[key]
        model: type[Model] = apps.get_model(label)
        owners = dict(model._default_manager.filter(pk__in=pks).values_list("pk", path))
        for pk in sorted(pks):
            if owners.get(pk) != enrolment.pk:
                problems.append(f"an event names {label} {pk}, of enrolment {owners.get(pk)}")
    return problems


def booking_problems(enrolment: Enrolment) -> list[str]:
    problems = []
    bookings = list(Booking.objects.filter(enrolment=enrolment))
    assessors = {b.assessor_id for b in bookings}
    profiles = dict(
        AssessorProfile.objects.filter(
            user_id__in=assessors, epao_id=enrolment.epao_id
        ).values_list("user_id", "pk")
    )
    standardised = set(
        Attendance.objects.filter(profile_id__in=profiles.values(), attended=True).values_list(
            "profile_id", flat=True
        )
    )
    for booking in bookings:
        profile = profiles.get(booking.assessor_id)
        if profile is None:
            problems.append(f"booking {booking.pk}: the assessor has no profile at the EPAO")
        elif profile not in standardised:
            problems.append(f"booking {booking.pk}: the assessor attended no standardisation")
        if booking.status != Booking.Status.CANCELLED and (
            booking.no_conflict_confirmed_at is None
            or booking.no_conflict_confirmed_at > booking.starts_at
        ):
            problems.append(f"booking {booking.pk}: not accepted before it started")
    attempts = Attempt.objects.filter(booking__enrolment=enrolment).select_related("booking")
    for attempt in attempts:
        if attempt.enrolment_id != enrolment.pk:
            problems.append(f"attempt {attempt.pk} is of another enrolment than its booking")
        if attempt.assessor_id != attempt.booking.assessor_id:
            problems.append(f"attempt {attempt.pk}: marked by another assessor than booked")
        if attempt.status == Attempt.Status.SUBMITTED and (
            attempt.submitted_at is None or attempt.submitted_at < attempt.booking.starts_at
        ):
            problems.append(f"attempt {attempt.pk}: submitted before the assessment")
    stray = IqaSample.objects.filter(attempt__enrolment=enrolment).exclude(
        attempt__booking__enrolment=enrolment
    )
    problems += [f"IQA sample {s.pk} of another enrolment's sheet" for s in stray]
    return problems


def result_problems(enrolment: Enrolment) -> tuple[int, list[str]]:
    """The current result against the domain's grading of the sheets it was computed from.
    Returns how many results were graded (0 or 1) and the problems."""
    results = list(OverallResult.objects.filter(enrolment=enrolment, superseded_at__isnull=True))
    own = set(Attempt.objects.filter(enrolment=enrolment).values_list("pk", flat=True))
    problems = []
    for result in results:
        if not set(result.attempt_ids) <= own:
            problems.append(f"result {result.pk} counts another enrolment's sheets")
        for name, method in result.methods.items():
            if method.get("attempt_id") not in own:
                problems.append(f"result {result.pk}: its {name} is another enrolment's sheet")
    if not results:
        return 0, problems
    latest = max(results, key=lambda r: (r.computed_at, r.pk))
    graded = graded_epa(enrolment)
    if sorted(row.pk for row in graded.attempts) != sorted(latest.attempt_ids):
        return 0, problems  # sheets submitted since (a resit being marked)
    epa = graded.result
    if epa.overall.value != latest.grade or epa.capped != latest.capped:
        problems.append(
            f"result {latest.pk} is {latest.grade}, the sheets grade {epa.overall.value}"
        )
    for method, method_result in epa.methods.items():
        stored = latest.methods.get(method.value, {}).get("grade")
        value = method_result.grade.value if method_result.grade else None
        if stored != value:
            problems.append(f"result {latest.pk}: {method.value} is {stored}, graded {value}")
    return 1, problems


def export_problems(enrolment: Enrolment) -> list[str]:
    problems = []
    records = ExportedRecord.objects.filter(result__enrolment=enrolment).select_related("batch")
    for record in records:
        items = [
            item
            for item in json.loads(record.batch.payload)
            if item.get("requestId") == record.request_id
        ]
        if len(items) != 1:
            problems.append(f"export batch {record.batch_id} lacks {record.request_id}")
            continue
        learner = items[0].get("learner", {})
        apprentice = enrolment.apprentice
        if learner != {"uln": int(apprentice.uln), "familyName": apprentice.family_name}:
            problems.append(f"export batch {record.batch_id} names {learner}")
    return problems
