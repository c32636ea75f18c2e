"""Every demo apprentice's story could have happened: its timeline follows the journey's
transition table in time order, nothing is dated after the moment the demo was built,
assessors accept their bookings and write evidence notes, the IQA keeps up with its
samples, and certificate requests complete the EPAs they are for."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from openepa.assessments.models import Attempt, Judgement
from openepa.bookings.models import Booking
from openepa.cases.models import Case
from openepa.demo.check import check_enrolments
from openepa.enrolments.models import Enrolment
from openepa.quality.models import IqaSample
from openepa.results.models import OverallResult

pytestmark = pytest.mark.django_db


def test_every_timeline_follows_the_transition_table_in_time_order(full_demo: datetime) -> None:
    """And every other check a demo of any size is held to (openepa.demo.check): rows that
    belong together, results the domain's grading gives, valid ULNs."""
    enrolments = list(Enrolment.objects.values_list("pk", flat=True))
    assert len(enrolments) == 200
    report = check_enrolments(enrolments)
    assert report.problems == []
    assert report.results_graded > 40


def test_nothing_is_dated_after_the_demo_was_built(full_demo: datetime) -> None:
    now = timezone.now()
    assert not Attempt.objects.filter(submitted_at__gt=now).exists()
    assert not Attempt.objects.filter(updated_at__gt=now).exists()
    assert not OverallResult.objects.filter(released_at__gt=now).exists()
    assert not IqaSample.objects.filter(sampled_at__gt=now).exists()
    assert not IqaSample.objects.filter(signed_off_at__gt=now).exists()
    assert not Booking.objects.filter(no_conflict_confirmed_at__gt=now).exists()
    assert not Case.objects.filter(raised_on__gt=timezone.localdate(now)).exists()


def test_sheets_are_submitted_after_the_assessment_with_a_note_for_every_judgement(
    full_demo: datetime,
) -> None:
    submitted = Attempt.objects.filter(status="submitted").select_related("booking")
    assert submitted.count() > 100
    for attempt in submitted:
        booking = attempt.booking
        assert booking.no_conflict_confirmed_at is not None
        assert booking.no_conflict_confirmed_at <= booking.starts_at
        assert attempt.submitted_at is not None
        assert attempt.submitted_at >= booking.starts_at
        assert attempt.submitted_by_id == booking.assessor_id
        start = timezone.localtime(booking.starts_at).time()
        assert attempt.actual_start is not None
        assert attempt.actual_start >= start
    assert not Judgement.objects.filter(attempt__status="submitted", note="").exists()
    notes = set(Judgement.objects.values_list("note", flat=True))
    assert len(notes) > 50  # varied, as different assessors write them


def test_assessors_accept_their_bookings(full_demo: datetime) -> None:
    active = Booking.objects.filter(status__in=["active", "completed"])
    assert active.count() > 200
    assert not active.filter(no_conflict_confirmed_at__isnull=True).exists()


def test_iqa_samples_are_recent_or_reviewed(full_demo: datetime) -> None:
    waiting = IqaSample.objects.exclude(state="signed_off")
    signed_off = IqaSample.objects.filter(state="signed_off")
    assert signed_off.count() > 10
    # Waiting samples come from the last few working days only.
    oldest = min(waiting.values_list("sampled_at", flat=True), default=full_demo)
    assert oldest >= full_demo - timedelta(days=7)
    for sample in signed_off:
        assert sample.signed_off_at is not None
        assert sample.signed_off_at > sample.sampled_at


def test_certificate_requests_complete_the_epa(full_demo: datetime) -> None:
    completed = Enrolment.objects.filter(state="completed")
    assert completed.count() > 20
    for enrolment in completed:
        actions = list(enrolment.events.order_by("id").values_list("action", flat=True))
        requested = actions.index("certificate_requested")
        assert actions[requested + 1] == "complete", actions
        assert "complete" not in actions[:requested]
        latest = enrolment.results.filter(released_at__isnull=False).latest("released_at")
        assert latest.grade in {"pass", "distinction"}
    # Results released in the last working week wait for their certificate request.
    assert Enrolment.objects.filter(state="results_issued").exists()
