"""The demo at volume: replay mode books every assessment whatever the size (its people scale
with it), and the fast mode's copies are valid by the same rules as the stories they copy
(openepa.demo.check, run here on every enrolment of a 300-apprentice fast demo)."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from openepa.accounts.models import Membership, Role
from openepa.assessments.models import Judgement
from openepa.assessors.models import AssessorProfile
from openepa.bookings.models import AssessorSlot, Booking
from openepa.cli import EXIT_VIOLATIONS, main
from openepa.demo import do_seed_demo
from openepa.demo.bulk import bulk_load
from openepa.demo.check import check_demo, check_enrolments
from openepa.demo.people import Scale
from openepa.demo.replay import Diary
from openepa.demo.stories import SCENARIOS, Step, choose_scenario, plan_story
from openepa.demo.volume import VolumeError, cloned_models
from openepa.domain.grading import Outcome
from openepa.domain.journey import State
from openepa.domain.uln import make_uln
from openepa.enrolments.actions import Registration, do_register_enrolment
from openepa.enrolments.models import Apprentice, Enrolment, JourneyEvent, StateCount
from openepa.organisations.models import Organisation
from openepa.reference.models import StandardVersion
from openepa.results.models import OverallResult
from tests.seeded_demo import build_kept_for_the_package

FAST_APPRENTICES = 300
#: Fewer templates than the command's 250 keep the test quick; the first 16 of them are
#: one of each scenario, so every state is copied.
FAST_TEMPLATES = 20

BOOKING_STEPS = (Step.MARK_OBSERVATION, Step.MARK_DISCUSSION, Step.MARK_SHOWCASE, Step.MARK_RESIT)


def _book_every_story(apprentices: int, assessors: int) -> None:
    """Place every assessment the stories of a demo of that size book in the demo's diary
    (as openepa.demo.replay does), with `assessors` assessors."""
    rng = random.Random(2026)
    today = date(2027, 3, 3)
    diary = Diary()
    ids = tuple(range(assessors))
    for index in range(apprentices):
        story = plan_story(index, choose_scenario(index, rng), today, rng)
        taken = [step for step, _ in story.steps]
        booked = list(BOOKING_STEPS[:3]) if Step.BOOK in taken else []
        if Step.BOOK_RESIT in taken:
            booked.append(Step.MARK_RESIT)
        for step in booked:
            diary.slot(ids, story.day_of(step), rng)


def test_the_old_four_assessors_run_out_of_slots_in_a_bigger_demo() -> None:
    with pytest.raises(RuntimeError, match="every demo assessor is fully booked"):
        _book_every_story(1000, 4)


@pytest.mark.parametrize("apprentices", [200, 201, 1000, 3000])
def test_the_assessors_scale_with_the_demo_so_every_assessment_is_booked(
    apprentices: int,
) -> None:
    _book_every_story(apprentices, Scale.of(apprentices).assessors)


def test_scale_keeps_the_ordinary_demo_as_it_was_and_grows_with_it() -> None:
    assert Scale.of(200) == Scale(assessors=4, employers=3, providers=2)
    assert Scale.of(100_000) == Scale(assessors=4000, employers=1429, providers=400)


def _seed_fast_demo() -> None:
    call_command("load_reference_data", verbosity=0)
    do_seed_demo(apprentices=FAST_APPRENTICES, fast=True, templates=FAST_TEMPLATES)


@pytest.fixture(scope="module")
def fast_demo(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    """Seeded once for the module; on SQLite kept and copied in after (tests/seeded_demo.py)."""
    with build_kept_for_the_package(django_db_blocker, "fast-demo", _seed_fast_demo):
        yield


pytestmark_fast = pytest.mark.usefixtures("fast_demo")


@pytest.mark.django_db
@pytestmark_fast
def test_fast_mode_builds_every_apprentice_in_every_state() -> None:
    assert Enrolment.objects.count() == FAST_APPRENTICES
    states = Counter(Enrolment.objects.values_list("state", flat=True))
    assert set(states) == {scenario.reaches.value for scenario in SCENARIOS}
    ulns = list(Apprentice.objects.values_list("uln", flat=True))
    assert len(set(ulns)) == FAST_APPRENTICES
    # Every template is copied 14 times (and the first 20 once more), so each state is
    # about as frequent as in the templates.
    assert states[State.COMPLETED.value] > 50


@pytest.mark.django_db
@pytestmark_fast
def test_every_copy_passes_the_check_by_the_domain_rules() -> None:
    report = check_demo(120)
    assert report.checked == 120
    # The sample takes a few of every state, copies and templates alike.
    assert set(report.by_state) == {scenario.reaches.value for scenario in SCENARIOS}
    assert report.problems == []
    assert report.results_graded > 20


@pytest.mark.django_db
@pytestmark_fast
def test_the_people_scale_and_no_assessor_is_booked_twice_at_a_time() -> None:
    epao = Organisation.objects.get(kind="epao")
    assessors = Membership.objects.filter(organisation=epao, role=Role.ASSESSOR).count()
    # A team as big as the templates' for the templates and for each of the 14 copies.
    copies = (FAST_APPRENTICES - FAST_TEMPLATES + FAST_TEMPLATES - 1) // FAST_TEMPLATES
    assert assessors == 4 * (1 + copies) == 60
    assert AssessorProfile.objects.filter(epao=epao).count() == assessors
    booked = Booking.objects.filter(status="active").values_list("assessor_id", "starts_at")
    assert len(set(booked)) == len(booked)
    slots = AssessorSlot.objects.values_list("assessor_id", "starts_at")
    assert len(set(slots)) == slots.count()
    employers = Enrolment.objects.values("employer_id").distinct().count()
    assert employers >= Scale.of(FAST_APPRENTICES).employers
    assert Enrolment.objects.values("provider_id").distinct().count() >= 2


@pytest.mark.django_db
@pytestmark_fast
def test_the_check_finds_a_copy_that_breaks_a_rule() -> None:
    copies = Enrolment.objects.order_by("-id")
    result = OverallResult.objects.filter(
        enrolment__in=copies, grade="pass", superseded_at__isnull=True
    ).first()
    assert result is not None
    with transaction.atomic():
        # A pass criterion the result counted, not met after all: the result is wrong.
        judgement = Judgement.objects.filter(
            attempt_id__in=result.attempt_ids, outcome=Outcome.MET.value
        ).first()
        assert judgement is not None
        Judgement.objects.filter(pk=judgement.pk).update(outcome=Outcome.NOT_MET.value)
        other = Booking.objects.exclude(enrolment=result.enrolment).first()
        assert other is not None
        event = JourneyEvent.objects.filter(
            enrolment=result.enrolment, action="book_assessment"
        ).first()
        assert event is not None
        JourneyEvent.objects.filter(pk=event.pk).update(data={**event.data, "booking": other.pk})
        Enrolment.objects.filter(pk=result.enrolment_id).update(state="planning")
        problems = check_enrolments([result.enrolment_id]).problems
        transaction.set_rollback(True)
    assert any("the sheets grade" in p or "graded" in p for p in problems), problems
    assert any(f"names bookings.Booking {other.pk}" in p for p in problems), problems
    assert any("enrolment is planning" in p for p in problems), problems


@pytest.mark.django_db
@pytestmark_fast
def test_the_actions_carry_on_after_the_copies() -> None:
    """The copies' ids are taken: the next registration gets a new one."""
    provider = Organisation.objects.filter(kind="provider").first()
    assert provider is not None
    actor = Membership.objects.filter(organisation=provider, role=Role.PROVIDER).first()
    assert actor is not None
    today = timezone.localdate()
    enrolment = do_register_enrolment(
        actor=actor.user,
        registration=Registration(
            standard=StandardVersion.objects.get(reference="ST0072"),
            epao=Organisation.objects.get(kind="epao"),
            employer=Organisation.objects.filter(kind="employer").first(),  # type: ignore[arg-type]
            provider=provider,
            start_date=today - timedelta(days=400),
            planned_end_date=today + timedelta(days=30),
            face_to_face=True,
            non_facing=True,
            uln=make_uln("999999991") or "",
            given_name="Nia",
            family_name="Late",
            date_of_birth=date(2004, 5, 6),
            email="nia.late@example.test",
        ),
    )
    assert enrolment.pk > Enrolment.objects.exclude(pk=enrolment.pk).order_by("-pk")[0].pk
    assert JourneyEvent.objects.filter(enrolment=enrolment).count() == 1


@pytest.mark.django_db
@pytestmark_fast
def test_fast_mode_again_adds_nothing_and_refuses_a_demo_it_cannot_extend() -> None:
    do_seed_demo(apprentices=FAST_APPRENTICES, fast=True, templates=FAST_TEMPLATES)
    assert Enrolment.objects.count() == FAST_APPRENTICES
    with pytest.raises(VolumeError, match="otherwise empty demo EPAO; this one has 300"):
        do_seed_demo(apprentices=FAST_APPRENTICES + 10, fast=True, templates=FAST_TEMPLATES)


@pytest.mark.django_db
@pytestmark_fast
def test_openepa_check_demo_prints_what_it_checked_and_fails_on_a_problem(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check-demo", "--sample", "40"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["checked"] == 40
    assert report["problems"] == []
    with transaction.atomic():
        # Every completed EPA back in planning: their timelines end elsewhere.
        Enrolment.objects.filter(state="completed").update(state="planning")
        code = main(["check-demo", "--sample", "40"])
        transaction.set_rollback(True)
    assert code == EXIT_VIOLATIONS
    assert "ends completed, enrolment is planning" in capsys.readouterr().err


def _counted() -> dict[tuple[int, str], int]:
    rows = Enrolment.objects.order_by().values_list("epao_id", "state").annotate(n=Count("pk"))
    return {(epao, state): n for epao, state, n in rows}


def _kept() -> dict[tuple[int, str], int]:
    rows = StateCount.objects.filter(n__gt=0).values_list("epao_id", "state", "n")
    return {(epao, state): n for epao, state, n in rows}


@pytest.mark.django_db
@pytestmark_fast
def test_the_copies_are_counted_by_state_and_later_transitions_still_move_the_counts() -> None:
    assert _kept() == _counted()
    assert sum(_kept().values()) == FAST_APPRENTICES
    copy = Enrolment.objects.filter(state=State.REGISTERED.value).order_by("-id")[0]
    with transaction.atomic():
        Enrolment.objects.filter(pk=copy.pk).update(state=State.WITHDRAWN.value)
        assert _kept() == _counted()
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytestmark_fast
def test_the_copies_are_in_the_admin_homes_kept_counts() -> None:
    """The bulk load adds the copies' grades, results due and released, open cases and
    open IQA samples to the counts the triggers keep, as the triggers would have."""
    from tests.web.test_home_kept_counts import (
        kept_grades,
        kept_open,
        kept_results,
        recounted_grades,
        recounted_open,
        recounted_results,
    )

    assert kept_grades() == recounted_grades()
    assert kept_results() == recounted_results()
    assert kept_open() == recounted_open()
    assert sum(kept_grades()[0].values()) > 0


@pytest.mark.django_db
@pytestmark_fast
def test_the_copies_results_waiting_for_export_are_kept() -> None:
    """The bulk load adds the copies' results waiting to be exported or sent
    (ReadyResult) as its triggers would have."""
    from tests.certificates.test_ready_kept import kept, recounted

    assert kept() == recounted()
    assert kept()


def _catalogue(tables: list[str]) -> dict[str, list[tuple[str, ...]]]:
    """The copied tables' foreign keys, indexes and triggers as PostgreSQL holds them."""
    queries = {
        "keys": "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
        " FROM pg_constraint WHERE conrelid = ANY (%s::regclass[]) ORDER BY 1, 2",
        "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes"
        " WHERE tablename = ANY (%s) ORDER BY 1, 2",
        "triggers": "SELECT tgrelid::regclass::text, tgname, tgenabled::text FROM pg_trigger"
        " WHERE tgrelid = ANY (%s::regclass[]) AND NOT tgisinternal ORDER BY 1, 2",
    }
    with connection.cursor() as cursor:
        out = {}
        for name, query in queries.items():
            cursor.execute(query, [tables])
            out[name] = [tuple(row) for row in cursor.fetchall()]
    return out


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bulk load: PostgreSQL only")
def test_the_bulk_load_puts_back_every_key_index_and_trigger_and_checks_every_row() -> None:
    models = cloned_models()
    tables = [m._meta.db_table for m in models]
    before = _catalogue(tables)
    assert all(before.values())
    with transaction.atomic(), bulk_load(models, lambda _message: None):
        assert _catalogue(tables) != before
    assert _catalogue(tables) == before
    # A copied row naming an attempt that does not exist is refused before the commit.
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        bulk_load(models, lambda _message: None),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO assessments_judgement"
            " (id, attempt_id, criterion_code, outcome, attempted, note)"
            " VALUES (999999999, 999999999, 'K1', 'met', true, '')"
        )
