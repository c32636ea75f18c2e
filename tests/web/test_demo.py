"""The demo EPAO: every story reaches the journey state it is meant to show, through the
real actions; running it again adds nothing; `openepa demo` builds a set in any database."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from openepa.assessments.models import Attempt
from openepa.bookings.models import Booking
from openepa.cases.models import Case, ReasonableAdjustment
from openepa.demo import do_seed_demo
from openepa.demo.stories import SCENARIOS
from openepa.enrolments.models import Apprentice, Enrolment, JourneyEvent
from openepa.quality.models import IqaSample
from openepa.results.models import OverallResult
from tests.seeded_demo import small_demo_for_the_module
from tests.template_db import TEMPLATE_DIR_VARIABLE

pytestmark = pytest.mark.django_db

#: A Monday with no bank holiday near it, so the stories' dates are the same every run.
TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Built once for the module's tests, which read it (one seeds it again, in its own
    savepoint)."""
    with small_demo_for_the_module(django_db_blocker, TODAY):
        with django_db_blocker.unblock():
            enrolments = list(Enrolment.objects.order_by("id"))
        yield enrolments


def test_every_scenario_reaches_its_state(demo):
    reached = {s.name: (s.reaches.value, e.state) for s, e in zip(SCENARIOS, demo, strict=True)}
    assert {name: got for name, (_, got) in reached.items()} == {
        name: want for name, (want, _) in reached.items()
    }


def test_every_step_went_through_an_action_and_left_an_event(demo):
    distinction, *_ = demo
    actions = list(distinction.events.values_list("action", flat=True))
    for expected in (
        "register",
        "submit_gateway",
        "accept_gateway",
        "record_planning_meeting",
        "book_assessment",
        "submit_marking_sheet",
        "complete_assessment",
        "release_results",
    ):
        assert any(a.startswith(expected) for a in actions), (expected, actions)
    result = OverallResult.objects.get(enrolment=distinction, superseded_at__isnull=True)
    assert result.grade == "distinction"
    assert result.released_at is not None
    # The observation criterion carried over was judged in the discussion (seed 002).
    observation = Attempt.objects.get(enrolment=distinction, method="observation")
    assert observation.judgements.filter(outcome="carried_over").count() == 1


def test_dates_follow_the_story_booked_assessments_lie_ahead(demo):
    booked = demo[[s.name for s in SCENARIOS].index("booked")]
    days = [b.starts_at.date() for b in Booking.objects.filter(enrolment=booked)]
    assert len(days) == 3
    assert all(day > TODAY for day in days)
    overdue = demo[[s.name for s in SCENARIOS].index("results overdue")]
    result = OverallResult.objects.get(enrolment=overdue)
    assert result.released_at is None
    assert result.due_on is not None
    assert result.due_on < TODAY


def test_resit_story_fails_then_passes(demo):
    resat = demo[[s.name for s in SCENARIOS].index("passed at resit")]
    grades = list(
        OverallResult.objects.filter(enrolment=resat).order_by("id").values_list("grade", flat=True)
    )
    assert grades == ["fail", "pass"]
    assert resat.bookings.filter(kind="resit").count() == 1


def test_running_again_adds_nothing_and_the_apprentice_login_is_linked(demo):
    events = JourneyEvent.objects.count()
    do_seed_demo(apprentices=len(SCENARIOS), today=TODAY)
    assert Apprentice.objects.count() == len(SCENARIOS)
    assert JourneyEvent.objects.count() == events
    assert Apprentice.objects.get(
        user__email="apprentice@demo.openepa.test"
    ).enrolments.get().state == ("completed")


def test_openepa_demo_builds_a_set_in_the_configured_database(tmp_path):
    database = tmp_path / "bench.sqlite3"
    # On SQLite the run's migrated test database is copied in (tests/template_db.py), so the
    # command's own migrate finds nothing to do: migrating a database file from nothing
    # costs this test most of its time, and every test database is migrated the same way.
    migrated = Path(os.environ.get(TEMPLATE_DIR_VARIABLE, "")) / "default.sqlite3"
    if migrated.is_file():
        shutil.copyfile(migrated, database)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("openepa")), "demo", "--apprentices", "4"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["apprentices"] == 4
    assert sum(report["states"].values()) == 4
    assert "admin@demo.openepa.test" in report["logins"]


def test_adjustments_and_an_open_enquiry_are_in_the_demo(demo):
    by_name = dict(zip([s.name for s in SCENARIOS], demo, strict=True))
    pending = ReasonableAdjustment.objects.get(enrolment=by_name["gateway submitted"])
    assert pending.state == "requested"
    assert not pending.late  # requested at registration (seed 000 §5)
    approved = ReasonableAdjustment.objects.get(enrolment=by_name["booked"])
    assert approved.state == "approved"
    enquiry = Case.objects.get(enrolment=by_name["fail, resit due"])
    assert (enquiry.kind, enquiry.state) == ("enquiry", "received")


def test_the_demo_holds_iqa_samples(demo):
    # Each demo assessor's first decisions, every Fail and every Distinction are sampled.
    assert IqaSample.objects.filter(attempt__enrolment__in=demo).exists()
