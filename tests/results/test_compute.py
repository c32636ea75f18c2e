"""do_compute_result: the snapshot of the domain's grades, called by the marking context
when every method is graded (issue 3 §8)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openepa.core.refusals import ActionRefused
from openepa.domain.grading import Outcome
from openepa.enrolments.models import JourneyEvent
from openepa.results.actions import do_compute_result
from openepa.results.models import OverallResult
from tests.results.builders import all_grades, assess, set_state, submit, use_policy

pytestmark = pytest.mark.django_db


def test_the_snapshot_holds_each_methods_grade_attempt_and_reasons(world):
    use_policy(world.enrolment, "nqual")
    attempts = assess(
        world.enrolment,
        {"showcase": "distinction", "observation": "fail", "discussion": "pass"},
        assessor=world.assessor,
        feedback={"observation": "Check understanding before closing the call."},
    )
    result = do_compute_result(enrolment_id=world.enrolment.pk, actor=world.assessor)
    assert result.grade == "fail"
    assert result.last_component_on == attempts[-1].assessed_on
    assert result.first_component_on == attempts[0].assessed_on
    assert result.due_on is not None  # NQual: 10 working days (seed 004)
    assert result.attempt_ids == sorted(a.pk for a in attempts)
    observation = result.methods["observation"]
    assert observation["grade"] == "fail"
    assert observation["attempt"] == 1
    assert observation["kind"] == "first"
    assert observation["attempt_id"] == attempts[1].pk
    assert observation["feedback"] == "Check understanding before closing the call."
    assert any("pass criteria not met" in r for r in observation["reasons"])
    assert "the observation was failed: any method failed means the EPA is failed" in (
        result.reasons
    )
    event = JourneyEvent.objects.get(enrolment=world.enrolment, action="compute_result")
    assert event.data["recomputed"] is False


def test_computing_again_over_the_same_attempts_updates_the_row(world):
    assess(world.enrolment, all_grades("pass"), assessor=world.assessor)
    first = do_compute_result(enrolment_id=world.enrolment.pk, actor=world.assessor)
    # An amendment (marking context) turns the showcase into a distinction.
    showcase = world.enrolment.attempts.get(method="showcase")
    showcase.judgements.filter(outcome="not_met").update(outcome="met")
    again = do_compute_result(enrolment_id=world.enrolment.pk, actor=world.admin)
    assert again.pk == first.pk
    assert OverallResult.objects.count() == 1
    assert again.methods["showcase"]["grade"] == "distinction"
    assert JourneyEvent.objects.filter(action="compute_result").count() == 2


def test_a_result_over_other_attempts_supersedes_the_unreleased_one(world):
    assess(world.enrolment, all_grades("pass"), assessor=world.assessor)
    first = do_compute_result(enrolment_id=world.enrolment.pk, actor=world.assessor)
    first.attempt_ids = [0]  # as if computed before another sheet was added
    first.save(update_fields=["attempt_ids"])
    second = do_compute_result(enrolment_id=world.enrolment.pk, actor=world.assessor)
    assert second.pk != first.pk
    first.refresh_from_db()
    assert first.superseded_at is not None


def test_refused_before_every_method_is_graded(world):
    assess(world.enrolment, {"showcase": "pass", "observation": "pass"}, assessor=world.assessor)
    with pytest.raises(
        ActionRefused, match="Not every method has a grade yet: no attempt of the discussion yet"
    ):
        do_compute_result(enrolment_id=world.enrolment.pk, actor=world.assessor)
    set_state(world.enrolment, "in_assessment")
    with pytest.raises(
        ActionRefused,
        match="Results are computed once every method is graded; this apprentice's EPA is in assessment.",
    ):
        do_compute_result(enrolment_id=world.enrolment.pk, actor=world.assessor)


@pytest.mark.parametrize("name", ["outsider_admin", "outsider_assessor", "employer"])
def test_refused_for_anyone_but_the_epaos_admins_assessors_and_iqas(world, name):
    """IQAs of the EPAO compute again when their amendment changes a sheet (tests/quality)."""
    assess(world.enrolment, all_grades("pass"), assessor=world.assessor)
    with pytest.raises(
        ActionRefused, match="Only the EPAO's admins, assessors and IQAs can compute results."
    ):
        do_compute_result(enrolment_id=world.enrolment.pk, actor=world.personas()[name])
    assert not OverallResult.objects.exists()


def test_a_criterion_carried_over_to_the_discussion_counts_for_the_observation(world):
    """Seed 002: an observation criterion whose situation did not arise is judged in the
    discussion; the observation's grade waits for it and the discussion still counts as
    the discussion's own attempt."""
    day = timezone.localdate() - timedelta(days=5)
    kwargs = {"assessor": world.assessor}
    submit(world.enrolment, "showcase", on=day, **kwargs)
    observation = submit(
        world.enrolment,
        "observation",
        on=day + timedelta(days=1),
        overrides={"S8.1": Outcome.CARRIED_OVER},
        feedback="Keep calm when the queue builds.",
        **kwargs,
    )
    discussion = submit(
        world.enrolment,
        "discussion",
        on=day + timedelta(days=2),
        overrides={"S8.1": Outcome.MET},
        **kwargs,
    )
    set_state(world.enrolment, "awaiting_results")
    result = do_compute_result(enrolment_id=world.enrolment.pk, actor=world.assessor)
    assert result.grade == "pass"
    assert result.methods["observation"]["attempt_id"] == observation.pk
    assert result.methods["observation"]["feedback"] == "Keep calm when the queue builds."
    assert result.methods["discussion"]["attempt_id"] == discussion.pk
