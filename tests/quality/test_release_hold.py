"""Where the policy holds results until IQA (``release_requires_iqa``; no shipped policy
does, so the tests use a variant), release waits while a sampled decision of the result is
not signed off, and says which; a policy without the hold releases at once."""

from __future__ import annotations

import pytest

from openepa.quality.models import IqaSample
from openepa.results.actions import do_compute_result
from openepa.results.models import OverallResult
from tests.quality.helpers import review_data, review_url, text, with_plan
from tests.results.builders import all_grades, assess

pytestmark = pytest.mark.django_db


def release(client, world, result):
    client.force_login(world.admin)
    world.enrolment.refresh_from_db()
    return text(
        client.post(
            f"/results/{result.pk}/release/", {"version": world.enrolment.version}, follow=True
        )
    )


def assessed_with_observation_sampled(world):
    """Every method assessed (observation a Fail) and the observation sampled."""
    attempts = assess(
        world.enrolment,
        {"showcase": "pass", "observation": "fail", "discussion": "pass"},
        assessor=world.assessor,
    )
    observation = attempts[1]
    IqaSample.objects.create(
        attempt=observation,
        reason="always",
        explanation="every Fail decision is sampled",
        draw=42,
        grade="fail",
    )
    return observation


def sign_off(client, world, sample):
    client.force_login(world.iqa)
    response = client.post(review_url(sample), review_data(sample), follow=True)
    assert "Sample signed off: grade stands." in text(response)


def test_release_waits_for_the_sampled_decision_then_goes_ahead(client, world, monkeypatch):
    with_plan(monkeypatch, hold=True)
    observation = assessed_with_observation_sampled(world)
    result = do_compute_result(enrolment_id=world.enrolment.pk, actor=world.assessor)
    assert result.iqa_signed_off_at is None

    client.force_login(world.admin)
    page = text(client.get(f"/results/{result.pk}/"))
    assert (
        "Highfield Assessment holds results until IQA sign-off; waiting for the practical observation of"
        in page
    )

    refused = release(client, world, result)
    assert (
        "These results cannot be released yet: this EPAO's policy holds results until IQA "
        "sign-off (Highfield Assessment), and internal quality assurance has not signed off "
        f"the practical observation of {observation.assessed_on.day} "
        f"{observation.assessed_on:%B %Y} (every Fail decision is sampled)." in refused
    )
    assert OverallResult.objects.get(pk=result.pk).released_at is None
    # The admin's home page shows the sample holding the result.
    home = text(client.get("/"))
    assert "IQA samples awaiting sign-off" in home
    assert "Holds the results" in home

    sign_off(client, world, IqaSample.objects.get(attempt=observation))
    result.refresh_from_db()
    assert result.iqa_signed_off_at is not None
    assert result.iqa_signed_off_by == world.iqa
    assert "Results released: Fail." in release(client, world, result)


def test_a_policy_without_the_hold_releases_at_once(client, world, monkeypatch):
    with_plan(monkeypatch, hold=False)
    assessed_with_observation_sampled(world)
    result = do_compute_result(enrolment_id=world.enrolment.pk, actor=world.assessor)
    assert "Results released: Fail." in release(client, world, result)
    client.force_login(world.admin)
    assert "Does not hold the results" in text(client.get("/"))


def test_a_held_result_with_no_sampled_decision_is_released(client, world, monkeypatch):
    with_plan(monkeypatch, hold=True)
    assess(world.enrolment, all_grades("pass"), assessor=world.assessor)
    result = do_compute_result(enrolment_id=world.enrolment.pk, actor=world.assessor)
    client.force_login(world.admin)
    assert "no sampled decision is waiting" in text(client.get(f"/results/{result.pk}/"))
    assert "Results released: Pass." in release(client, world, result)


def test_samples_signed_off_before_the_result_is_computed_count(client, world, monkeypatch):
    with_plan(monkeypatch, hold=True)
    observation = assessed_with_observation_sampled(world)
    sign_off(client, world, IqaSample.objects.get(attempt=observation))
    result = do_compute_result(enrolment_id=world.enrolment.pk, actor=world.assessor)
    assert result.iqa_signed_off_by == world.iqa
    assert "Results released: Fail." in release(client, world, result)


def test_an_iqa_amendment_recomputes_the_held_result_and_signs_it_off(client, world, monkeypatch):
    """The IQA disagrees with the observation's Fail and amends it: the unreleased result is
    computed again over the same sheets (now a Pass) and marked signed off."""
    with_plan(monkeypatch, hold=True)
    observation = assessed_with_observation_sampled(world)
    result = do_compute_result(enrolment_id=world.enrolment.pk, actor=world.assessor)
    assert result.grade == "fail"
    failed = "S8.1"  # the builder fails the first pass criterion
    assert observation.judgements.get(criterion_code=failed).outcome == "not_met"
    sample = IqaSample.objects.get(attempt=observation)
    client.force_login(world.iqa)
    response = client.post(
        review_url(sample),
        review_data(
            sample,
            disagree={failed: "The recording shows it."},
            outcome="amended",
            comments=f"{failed} was met in the recording.",
            changes={failed: "met"},
        ),
        follow=True,
    )
    assert "Sample signed off: amended." in text(response)
    result.refresh_from_db()
    assert result.grade == "pass"
    assert result.iqa_signed_off_by == world.iqa
    assert OverallResult.objects.filter(enrolment=world.enrolment).count() == 1
    assert "Results released: Pass." in release(client, world, result)
