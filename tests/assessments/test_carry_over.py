"""Observation criteria whose situation did not arise are carried over to the discussion,
judged there, and count for the observation; an attempted criterion cannot be (seed 002)."""

from __future__ import annotations

from datetime import date

import pytest

from openepa.assessments.grading import epa_result
from openepa.assessments.models import Attempt
from openepa.domain.standard import Grade, Method
from tests.assessments.helpers import book, mark, open_sheet, sheet_url, text

pytestmark = pytest.mark.django_db


def test_carried_over_criterion_is_judged_in_the_discussion(assessor_client, world):
    observation = book(world, "observation", on=date(2026, 3, 2))
    mark(assessor_client, observation, {"S9.1": "carried_over"})
    assert Attempt.objects.get(booking=observation).status == "submitted"
    assert epa_result(world.enrolment).methods[Method.OBSERVATION].grade is None
    html = text(assessor_client.get(sheet_url(observation)))
    assert ">Awaiting the discussion</strong>" in html

    discussion = book(world, "discussion", on=date(2026, 3, 3))
    page = assessor_client.get(sheet_url(discussion)).content.decode()
    assert "Carried over from the practical observation" in page
    assert page.index("S9.1") < page.index("K1.1")  # carried-over criteria come first
    attempt = Attempt.objects.get(booking=discussion)
    assert attempt.judgements.count() == 11 + 1

    # Judging it here lets the preview grade the observation too.
    data_page = mark(assessor_client, discussion, intent="preview")
    assert "Practical observation, with the carried-over criteria judged here" in text(data_page)

    response = mark(assessor_client, discussion)
    assert response.status_code == 302
    result = epa_result(world.enrolment)
    assert result.methods[Method.OBSERVATION].grade == Grade.DISTINCTION
    assert result.methods[Method.DISCUSSION].grade == Grade.DISTINCTION
    html = text(assessor_client.get(sheet_url(observation)))
    assert "Carried over to the discussion; judged in the discussion: met" in html
    assert ">Distinction</strong>" in html


def test_a_discussion_opened_before_the_observation_was_submitted_gets_the_carry_over(
    assessor_client, world
):
    observation = book(world, "observation", on=date(2026, 3, 2))
    discussion = book(world, "discussion", on=date(2026, 3, 3))
    early = open_sheet(assessor_client, discussion)
    assert early.judgements.count() == 11
    mark(assessor_client, observation, {"S9.2": "carried_over"})
    assert open_sheet(assessor_client, discussion).judgements.filter(criterion_code="S9.2").exists()


def test_a_carried_over_criterion_left_unjudged_blocks_the_discussion(assessor_client, world):
    mark(assessor_client, book(world, "observation"), {"S9.1": "carried_over"})
    discussion = book(world, "discussion", on=date(2026, 3, 3))
    html = text(mark(assessor_client, discussion, {"S9.1": ""}))
    assert "Choose an outcome for every criterion before submitting; still to judge: S9.1." in html


def test_a_carried_over_criterion_cannot_be_carried_again(assessor_client, world):
    mark(assessor_client, book(world, "observation"), {"S9.1": "carried_over"})
    discussion = book(world, "discussion", on=date(2026, 3, 3))
    open_sheet(assessor_client, discussion)
    page = assessor_client.get(sheet_url(discussion)).content.decode()
    assert 'name="outcome_S9_1" value="carried_over"' not in page
    html = text(mark(assessor_client, discussion, {"S9.1": "carried_over"}))
    assert "Select a valid choice." in html
    assert Attempt.objects.get(booking=discussion).status == "draft"


def test_attempted_and_carried_over_is_refused(assessor_client, world):
    observation = book(world, "observation")
    html = text(mark(assessor_client, observation, {"S9.1": "carried_over"}, attempted={"S9.1"}))
    assert (
        "S9.1 was attempted and not met, so it cannot be carried over to the discussion; "
        "only a criterion whose situation did not arise can." in html
    )
    assert Attempt.objects.get(booking=observation).status == "draft"
    # The message sits on the criterion it names.
    assert 'id="id_outcome_S9_1-error"' in html


def test_the_preview_keeps_the_refused_outcome(assessor_client, world):
    observation = book(world, "observation")
    html = text(mark(assessor_client, observation, {"S9.1": "carried_over"}, attempted={"S9.1"}))
    assert ">Awaiting the discussion</strong>" in html
    assert 'aria-describedby="id_outcome_S9_1-error"' in html


def test_a_follow_up_sheet_has_only_the_carried_over_criteria(assessor_client, world):
    """Seed 002: the discussion follow-up judges the observation's carried-over criteria
    and nothing of the discussion's own."""
    mark(assessor_client, book(world, "observation"), {"S9.1": "carried_over"})
    follow_up = book(world, "discussion", on=date(2026, 3, 3), kind="follow_up")
    attempt = open_sheet(assessor_client, follow_up)
    assert list(attempt.judgements.values_list("criterion_code", flat=True)) == ["S9.1"]
    assert mark(assessor_client, follow_up, {"S9.1": "met"}).status_code == 302
    result = epa_result(world.enrolment)
    assert result.methods[Method.OBSERVATION].grade == Grade.DISTINCTION
    assert Method.DISCUSSION not in result.methods
