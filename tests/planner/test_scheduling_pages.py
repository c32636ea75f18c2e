"""The admin's scheduling pages (issue 16 §5, §6): a proposal made in the worker from the
real data, reviewed, edited, dropped and applied through the booking action; re-planning
when an assessor cannot work on a day; the capacity outlook. Through the Django client."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from openepa.bookings.actions import PreferredTime, do_book_assessment, do_declare_conflict
from openepa.bookings.models import Booking
from openepa.bookings.rules import Proposal as BookingProposal
from openepa.domain.dates import long_date
from openepa.enrolments.models import JourneyEvent
from openepa.planner.models import Proposal, ProposalLine
from openepa.planner.planning import build_instance
from openepa.scheduling.instance import Preferred
from tests.bookings.helpers import to_planning
from tests.forms import with_date_inputs

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(world):
    """The world's apprentice ready to book: gateway accepted, planning held, the employer
    in the North East (where both assessors work in person)."""
    world.employer.postcode = "NE1 4ST"
    world.employer.save(update_fields=["postcode"])
    to_planning(world)
    return world


def horizon() -> tuple[date, date]:
    first = timezone.localdate() + timedelta(days=1)
    return first, first + timedelta(days=27)


def ask(client, world, deliver, seconds: int = 5) -> Proposal:
    first, last = horizon()
    client.force_login(world.admin)
    data = with_date_inputs(
        {"first_day": first, "last_day": last, "seconds": seconds}, "first_day", "last_day"
    )
    with deliver():
        response = client.post("/scheduling/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal = Proposal.objects.get()
    assert response["Location"] == f"/scheduling/{proposal.pk}/"
    return proposal


def lines(proposal: Proposal) -> dict[str, ProposalLine]:
    return {line.method: line for line in proposal.lines.all()}


def test_the_instance_is_built_from_the_epaos_real_data(ready):
    first, last = horizon()
    built = build_instance(ready.epao.pk, first, last)
    methods = built.instance.methods
    key = f"e{ready.enrolment.pk}"
    assert set(methods) == {f"{key}-observation", f"{key}-showcase", f"{key}-discussion"}
    observation = methods[f"{key}-observation"]
    assert observation.mode == "in_person"
    assert observation.region == "north_east"
    assert observation.duration == 90  # Highfield's typical observation
    assert methods[f"{key}-discussion"].after == f"{key}-observation"
    assert methods[f"{key}-showcase"].mode == "remote"
    # Both assessors may be allocated, Monday to Friday only.
    assessor = built.instance.assessors[str(ready.assessor.pk)]
    assert assessor.available
    assert all(w.day.weekday() < 5 for w in assessor.available)
    assert assessor.regions == {"north_east"}
    assert assessor.max_per_day == 4
    assert set(observation.eligible) == {str(ready.assessor.pk), str(ready.second_assessor.pk)}


def test_a_declared_conflict_and_a_missing_region_are_kept_out(ready):
    do_declare_conflict(
        actor=ready.assessor, description="My cousin", uln=ready.enrolment.apprentice.uln
    )
    first, last = horizon()
    built = build_instance(ready.epao.pk, first, last)
    conflicted = built.instance.assessors[str(ready.assessor.pk)]
    assert f"a{ready.enrolment.apprentice_id}" in conflicted.conflicts
    ready.employer.postcode = ""
    ready.employer.save(update_fields=["postcode"])
    built = build_instance(ready.epao.pk, first, last)
    assert {n.method for n in built.not_plannable} == {"observation", "discussion"}
    assert "postcode" in built.not_plannable[0].reason


def test_the_admin_asks_reviews_and_applies_a_proposal(client, ready, deliver):
    proposal = ask(client, ready, deliver)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.READY
    placed = lines(proposal)
    assert {m: line.status for m, line in placed.items()} == dict.fromkeys(
        ("observation", "showcase", "discussion"), ProposalLine.Status.PROPOSED
    )
    assert timezone.localdate(placed["observation"].starts_at) < timezone.localdate(
        placed["discussion"].starts_at
    )
    page = client.get(f"/scheduling/{proposal.pk}/").content.decode()
    assert "Practical observation" in page
    assert "covers North East in person" in page
    assert "Window" in page
    assert "By day" in page
    assert 'http-equiv="refresh"' not in page
    events = JourneyEvent.objects.count()
    with deliver():
        response = client.post(f"/scheduling/{proposal.pk}/apply/", {"version": proposal.version})
    assert response.status_code == 302
    assert Booking.objects.filter(enrolment=ready.enrolment, status="active").count() == 3
    assert JourneyEvent.objects.count() == events + 3  # the timeline follows, as for the form
    assert {line.status for line in proposal.lines.all()} == {ProposalLine.Status.BOOKED}
    again = client.post(f"/scheduling/{proposal.pk}/apply/", {"version": proposal.version + 1})
    assert again.status_code == 302
    assert Booking.objects.filter(enrolment=ready.enrolment).count() == 3  # nothing twice


def test_a_waiting_proposal_refreshes_itself(client, ready):
    first, last = horizon()
    proposal = Proposal.objects.create(
        epao=ready.epao, first_day=first, last_day=last, created_by=ready.admin
    )
    client.force_login(ready.admin)
    page = client.get(f"/scheduling/{proposal.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page
    assert "Check again" in page
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.APPLYING)
    page = client.get(f"/scheduling/{proposal.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page
    assert "being booked" in page


def test_a_refused_line_is_reported_and_the_others_are_booked(client, ready, deliver):
    proposal = ask(client, ready, deliver)
    showcase = lines(proposal)["showcase"]
    assert showcase.starts_at is not None
    assert showcase.assessor_id is not None
    # Someone books the showcase by hand in the meantime.
    do_book_assessment(
        actor=ready.admin,
        enrolment_id=ready.enrolment.pk,
        proposal=BookingProposal(
            method="showcase",
            kind="first",
            starts_at=showcase.starts_at,
            duration_minutes=showcase.duration_minutes,
            assessor_id=showcase.assessor_id,
            remote=True,
        ),
    )
    proposal.refresh_from_db()
    with deliver():
        client.post(f"/scheduling/{proposal.pk}/apply/", {"version": proposal.version})
    after = lines(proposal)
    assert after["showcase"].status == ProposalLine.Status.REFUSED
    assert "already booked" in after["showcase"].outcome
    assert after["observation"].status == after["discussion"].status == ProposalLine.Status.BOOKED
    assert Booking.objects.filter(enrolment=ready.enrolment, status="active").count() == 3
    page = client.get(f"/scheduling/{proposal.pk}/").content.decode()
    assert "already booked" in page


def _next(weekday: int, after: date) -> date:
    day = after + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def test_an_edit_is_accepted_only_within_what_the_checker_allows(client, ready, deliver):
    proposal = ask(client, ready, deliver)
    showcase = lines(proposal)["showcase"]
    before = (showcase.assessor_id, showcase.starts_at)
    other = ready.second_assessor if showcase.assessor_id == ready.assessor.pk else ready.assessor
    address = f"/scheduling/{proposal.pk}/lines/{showcase.pk}/"
    saturday = _next(5, timezone.localdate() + timedelta(days=1))
    post = with_date_inputs(
        {
            "version": proposal.version,
            "assessor": other.pk,
            "starts_at": datetime.combine(saturday, time(10, 0)),
        },
        "starts_at",
    )
    refused = client.post(address, post)
    assert refused.status_code == 200
    assert "the assessor is not working" in refused.content.decode()
    showcase.refresh_from_db()
    assert (showcase.assessor_id, showcase.starts_at) == before
    day = timezone.localdate(lines(proposal)["discussion"].starts_at)
    late = day + timedelta(days=1)
    while late.weekday() > 4:
        late += timedelta(days=1)
    post["version"] = proposal.version
    post.update(with_date_inputs({"starts_at": datetime.combine(late, time(15, 0))}, "starts_at"))
    accepted = client.post(address, post)
    assert accepted.status_code == 302
    showcase.refresh_from_db()
    assert showcase.assessor_id == other.pk
    assert timezone.localtime(showcase.starts_at).time() == time(15, 0)


def test_a_dropped_line_is_not_booked(client, ready, deliver):
    proposal = ask(client, ready, deliver)
    showcase = lines(proposal)["showcase"]
    client.post(
        f"/scheduling/{proposal.pk}/lines/{showcase.pk}/drop/", {"version": proposal.version}
    )
    proposal.refresh_from_db()
    with deliver():
        client.post(f"/scheduling/{proposal.pk}/apply/", {"version": proposal.version})
    assert not Booking.objects.filter(enrolment=ready.enrolment, method="showcase").exists()
    assert lines(proposal)["showcase"].status == ProposalLine.Status.DROPPED


def test_replanning_moves_the_bookings_of_a_cancelled_day(client, ready, deliver):
    proposal = ask(client, ready, deliver)
    with deliver():
        client.post(f"/scheduling/{proposal.pk}/apply/", {"version": proposal.version + 0})
    observation = Booking.objects.get(enrolment=ready.enrolment, method="observation")
    day = timezone.localdate(observation.starts_at)
    data = with_date_inputs({"assessor": observation.assessor_id, "day": day}, "day")
    with deliver():
        response = client.post("/scheduling/replan/", data)
    assert response.status_code == 302
    replan = Proposal.objects.get(kind=Proposal.Kind.REPLAN)
    assert replan.status == Proposal.Status.READY, replan.error
    moved = {line.moves_id: line for line in replan.lines.all()}
    assert observation.pk in moved
    line = moved[observation.pk]
    assert line.displaced
    assert line.status == ProposalLine.Status.PROPOSED
    assert (line.assessor_id, timezone.localdate(line.starts_at)) != (observation.assessor_id, day)
    page = client.get(f"/scheduling/{replan.pk}/").content.decode()
    assert "cannot work on" in page
    with deliver():
        client.post(f"/scheduling/{replan.pk}/apply/", {"version": replan.version})
    observation.refresh_from_db()
    assert observation.status == Booking.Status.CANCELLED
    assert "Re-planned" in observation.cancelled_reason
    new = Booking.objects.get(replaces=observation)
    assert (new.assessor_id, timezone.localdate(new.starts_at)) != (observation.assessor_id, day)


def test_the_outlook_shows_need_against_capacity(client, ready):
    client.force_login(ready.admin)
    page = client.get("/scheduling/outlook/").content.decode()
    assert 'role="img"' in page
    assert "<title id=" in page
    assert "<desc id=" in page
    assert "Every region, by week" in page
    assert "North East" in page
    assert "<script" not in page.split("<main", 1)[1]


def test_every_other_role_gets_a_404(client, ready):
    first, last = horizon()
    proposal = Proposal.objects.create(
        epao=ready.epao, first_day=first, last_day=last, created_by=ready.admin
    )
    for persona, user in ready.personas().items():
        if user is None or persona == "admin":
            continue
        client.force_login(user)
        assert client.get(f"/scheduling/{proposal.pk}/").status_code == 404, persona
        if persona != "outsider_admin":
            assert client.get("/scheduling/").status_code == 404, persona


def _lines(proposal: Proposal, world, n: int) -> None:
    start = timezone.now() + timedelta(days=3)
    ProposalLine.objects.bulk_create(
        ProposalLine(
            proposal=proposal,
            key=f"x{i}",
            enrolment=world.enrolment,
            method="showcase",
            assessor=world.assessor,
            starts_at=start + timedelta(hours=i),
            duration_minutes=60,
            remote=True,
            why_assessor="Because",
            why_day="Because",
            status=ProposalLine.Status.UNPLACED if i % 3 == 0 else ProposalLine.Status.PROPOSED,
            reason="Crowded",
        )
        for i in range(n)
    )


def test_the_proposal_page_reads_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries
):
    first, last = horizon()
    small = Proposal.objects.create(
        epao=world.epao, status="ready", first_day=first, last_day=last, created_by=world.admin
    )
    big = Proposal.objects.create(
        epao=world.epao, status="ready", first_day=first, last_day=last, created_by=world.admin
    )
    _lines(small, world, 3)
    _lines(big, world, 90)
    client.force_login(world.admin)
    client.get(f"/scheduling/{small.pk}/")
    with django_assert_max_num_queries(20) as counted:
        client.get(f"/scheduling/{small.pk}/")
    few = len(counted.captured_queries)
    with django_assert_max_num_queries(few):
        page = client.get(f"/scheduling/{big.pk}/").content.decode()
    assert page.count("Change<span") == 25  # one page of placements, no more


def test_a_shortfall_shows_weeks_ahead(client, ready):
    from openepa.assessors.models import AssessorProfile, Availability

    today = timezone.localdate()
    for profile in AssessorProfile.objects.filter(epao=ready.epao):
        Availability.objects.create(
            profile=profile,
            starts_on=today - timedelta(days=7),
            ends_on=today + timedelta(days=120),
            created_by=ready.admin,
            note="Long leave",
        )
    client.force_login(ready.admin)
    page = client.get("/scheduling/outlook/").content.decode()
    assert "Capacity falls short from the week beginning" in page


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_makes_the_proposal(client, ready):
    """Through the database task backend and `manage.py db_worker`, as `make run` runs it:
    the task is queued when the request commits, and runs once."""
    from io import StringIO

    from django.core.management import call_command

    first, last = horizon()
    client.force_login(ready.admin)
    data = with_date_inputs(
        {"first_day": first, "last_day": last, "seconds": 5}, "first_day", "last_day"
    )
    client.post("/scheduling/", data)
    proposal = Proposal.objects.get()
    assert proposal.status == Proposal.Status.QUEUED
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        "--interval",
        "0",
        stdout=StringIO(),
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.READY
    assert proposal.lines.filter(status=ProposalLine.Status.PROPOSED).count() == 3


def test_no_assessor_is_planned_beyond_their_weekly_capacity(client, ready, deliver, monkeypatch):
    from openepa.assessors.availability import Capacity
    from openepa.planner import planning

    monkeypatch.setattr(planning, "capacity_of", lambda profile: Capacity(4, 420, 1, 1800))
    proposal = ask(client, ready, deliver)
    proposed = proposal.lines.filter(status=ProposalLine.Status.PROPOSED)
    weeks = [
        (line.assessor_id, timezone.localdate(line.starts_at).isocalendar()[:2])
        for line in proposed
    ]
    assert len(weeks) == len(set(weeks)), "two assessments for one assessor in one week"
    assert len(weeks) >= 2
    for line in proposal.lines.filter(status=ProposalLine.Status.UNPLACED):
        assert "weekly capacity" in line.reason


def test_weekly_overflow_counts_existing_bookings_first():
    from openepa.planner.run import weekly_overflow
    from openepa.scheduling.instance import Assessor, Existing, Instance, Method, Window
    from openepa.scheduling.plan import Assignment

    monday = date(2027, 3, 1)
    window = Window(monday, 9 * 60, 17 * 60)
    assessor = Assessor("1", "london", frozenset({"london"}), True, 4, 420, (window,), frozenset())
    methods = {
        k: Method(k, "a1", "showcase", 60, "remote", None, monday, monday, after, ("1",))
        for k, after in (("m1", None), ("m2", None), ("m3", "m2"))
    }
    instance = Instance(
        policy="x",
        start=monday,
        end=monday,
        time_limit_s=1,
        travel={"london": {"london": 45}},
        assessors={"1": assessor},
        methods=methods,
        existing=(Existing("b1", "1", monday, 9 * 60, 60),),
    )
    placed = [Assignment(k, "1", monday, (10 + i) * 60) for i, k in enumerate(methods)]
    # Two a week: the booking already made and m1 fit; m2 does not, and m3 follows m2.
    assert weekly_overflow(instance, placed, {"1": (2, 1800)}) == {"m2", "m3"}
    assert weekly_overflow(instance, placed, {"1": (9, 150)}) == {"m2", "m3"}
    assert weekly_overflow(instance, placed, {"1": (9, 1800)}) == set()


# --- preferred dates and times agreed at the planning meeting (issue 16 §5) ------------


@pytest.fixture
def preferring(world):
    """As `ready`, with the observation preferred on a Wednesday at 10:00 and the
    discussion on the Friday after (any time), agreed at the planning meeting."""
    world.employer.postcode = "NE1 4ST"
    world.employer.save(update_fields=["postcode"])
    wednesday = _next(2, timezone.localdate() + timedelta(days=7))
    to_planning(
        world,
        preferred=(
            PreferredTime("observation", wednesday, time(10, 0)),
            PreferredTime("discussion", wednesday + timedelta(days=2)),
        ),
    )
    world.wednesday = wednesday
    return world


def test_the_instance_carries_the_preferences(preferring):
    first, last = horizon()
    built = build_instance(preferring.epao.pk, first, last)
    key = f"e{preferring.enrolment.pk}"
    methods = built.instance.methods
    wednesday = preferring.wednesday
    assert methods[f"{key}-observation"].preferred == (Preferred(wednesday, 600),)
    friday = wednesday + timedelta(days=2)
    assert methods[f"{key}-discussion"].preferred == (Preferred(friday, None),)
    assert methods[f"{key}-showcase"].preferred == ()


def test_a_proposal_places_each_method_on_its_preferred_day(client, preferring, deliver):
    proposal = ask(client, preferring, deliver)
    placed = lines(proposal)
    observation = timezone.localtime(placed["observation"].starts_at)
    assert (observation.date(), observation.time()) == (preferring.wednesday, time(10, 0))
    friday = preferring.wednesday + timedelta(days=2)
    assert timezone.localdate(placed["discussion"].starts_at) == friday
    assert "The preferred day agreed at the planning meeting, at the preferred time 10:00." in (
        placed["observation"].why_day
    )
    assert placed["discussion"].why_day.endswith(
        "The preferred day agreed at the planning meeting."
    )
    assert "preferred" not in placed["showcase"].why_day
    page = client.get(f"/scheduling/{proposal.pk}/").content.decode()
    assert "The preferred day agreed at the planning meeting" in page


def test_a_preferred_day_nobody_works_is_explained(client, world, deliver):
    """A Saturday: the assessors work Monday to Friday, so the observation goes elsewhere
    and its line says the preferred day could not be kept."""
    world.employer.postcode = "NE1 4ST"
    world.employer.save(update_fields=["postcode"])
    saturday = _next(5, timezone.localdate() + timedelta(days=7))
    to_planning(world, preferred=(PreferredTime("observation", saturday, time(10, 0)),))
    placed = lines(ask(client, world, deliver))["observation"]
    assert placed.status == ProposalLine.Status.PROPOSED
    assert timezone.localdate(placed.starts_at) != saturday
    assert (
        f"The preferred day agreed at the planning meeting, {long_date(saturday)}, could not be kept."
        in placed.why_day
    )
