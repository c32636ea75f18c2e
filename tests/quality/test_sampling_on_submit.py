"""Submitting a marking sheet offers the decision to IQA sampling in the same transaction,
under the policy's plan (openepa.domain.sampling): a new assessor's first decisions, every
Fail, every Distinction, and a reproducible percentage of the rest."""

from __future__ import annotations

from datetime import date

import pytest

from openepa.domain.sampling import sampling_draw
from openepa.enrolments.models import JourneyEvent
from openepa.quality.models import IqaSample, SamplingSalt
from tests.personas import register
from tests.quality.helpers import DISTINCTION, FAIL, PASS, submit_showcase, with_plan

pytestmark = pytest.mark.django_db


def other_enrolment(world, n: int):
    return register(
        world.provider_user,
        epao=world.epao,
        employer=world.employer,
        provider=world.provider,
        given=f"Apprentice{n}",
        family=f"Number{n}",
    )


def sampled_events(enrolment) -> list[JourneyEvent]:
    return list(JourneyEvent.objects.filter(enrolment=enrolment, action="iqa_sampled"))


def test_a_new_assessors_first_decisions_are_sampled(world, monkeypatch):
    with_plan(monkeypatch, first=2)
    attempts = [submit_showcase(world, PASS, enrolment=other_enrolment(world, n)) for n in range(3)]
    samples = {s.attempt_id: s for s in IqaSample.objects.all()}
    assert set(samples) == {attempts[0].pk, attempts[1].pk}
    assert samples[attempts[0].pk].reason == "new_assessor"
    assert samples[attempts[0].pk].explanation == (
        "decision 1 of the assessor's first 2: every one is sampled"
    )
    assert "decision 2 of the assessor's first 2" in samples[attempts[1].pk].explanation
    # The event is recorded only for a sampled decision.
    assert len(sampled_events(attempts[0].enrolment)) == 1
    assert sampled_events(attempts[2].enrolment) == []
    event = sampled_events(attempts[1].enrolment)[0]
    assert event.actor == world.assessor
    assert event.data["reason"] == "new_assessor"
    assert event.data["attempt"] == attempts[1].pk


def test_another_assessors_decisions_count_separately(world, monkeypatch):
    with_plan(monkeypatch, first=1)
    submit_showcase(world, PASS, enrolment=other_enrolment(world, 1))
    second = submit_showcase(
        world, PASS, enrolment=other_enrolment(world, 2), assessor=world.second_assessor
    )
    assert IqaSample.objects.get(attempt=second).reason == "new_assessor"


@pytest.mark.parametrize(
    ("outcomes", "grade", "always", "sampled"),
    [
        (FAIL, "fail", ("fail", "distinction"), True),
        (DISTINCTION, "distinction", ("fail", "distinction"), True),
        (PASS, "pass", ("fail", "distinction"), False),
        (FAIL, "fail", ("distinction",), False),
    ],
)
def test_every_decision_of_the_named_grades_is_sampled(
    world, monkeypatch, outcomes, grade, always, sampled
):
    with_plan(monkeypatch, always=always)
    attempt = submit_showcase(world, outcomes)
    sample = IqaSample.objects.filter(attempt=attempt).first()
    assert (sample is not None) == sampled
    if sample is not None:
        assert sample.reason == "always"
        assert sample.grade == grade
        assert sample.explanation == f"every {grade.capitalize()} decision is sampled"


def test_the_percentage_is_reproducible_from_the_epaos_salt(world, monkeypatch):
    """Half the decisions by the draw: each is sampled exactly when the draw recomputed from
    the EPAO's salt and the attempt id is under 5,000."""
    with_plan(monkeypatch, rate=50)
    attempts = [submit_showcase(world, PASS, enrolment=other_enrolment(world, n)) for n in range(6)]
    salt = SamplingSalt.objects.get(epao=world.epao).salt
    for attempt in attempts:
        draw = sampling_draw(salt, attempt.pk)
        sample = IqaSample.objects.filter(attempt=attempt).first()
        assert (sample is not None) == (draw < 5000), (attempt.pk, draw)
        if sample is not None:
            assert sample.draw == draw
            assert sample.explanation == "picked at random for the 50% sample of decisions"


def test_nothing_sampled_when_the_plan_samples_nothing(world, monkeypatch):
    with_plan(monkeypatch)
    attempt = submit_showcase(world, FAIL, on=date(2026, 3, 3))
    assert not IqaSample.objects.filter(attempt=attempt).exists()
    assert sampled_events(world.enrolment) == []


def test_the_product_default_samples_a_new_assessors_first_decision(world):
    """The shipped policies are silent, so the product default applies: first 5 decisions."""
    attempt = submit_showcase(world, PASS)
    assert IqaSample.objects.get(attempt=attempt).reason == "new_assessor"
