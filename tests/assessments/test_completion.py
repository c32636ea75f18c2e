"""When the last method's sheet is submitted and every method has a grade, the enrolment
moves from in assessment to awaiting results."""

from __future__ import annotations

from datetime import date

import pytest

from openepa.assessments.grading import domain_attempts, epa_result
from openepa.domain.grading import OverallGrade
from openepa.enrolments.models import JourneyEvent
from tests.assessments.helpers import book, mark

pytestmark = pytest.mark.django_db


def test_all_three_methods_submitted_means_awaiting_results(assessor_client, world):
    mark(assessor_client, book(world, "showcase", on=date(2026, 3, 2)))
    mark(assessor_client, book(world, "observation", on=date(2026, 3, 3)), {"S9.1": "carried_over"})
    world.enrolment.refresh_from_db()
    assert world.enrolment.state == "in_assessment"
    mark(assessor_client, book(world, "discussion", on=date(2026, 3, 4)), {"K1.4": "not_met"})
    world.enrolment.refresh_from_db()
    assert world.enrolment.state == "awaiting_results"
    event = JourneyEvent.objects.get(enrolment=world.enrolment, action="complete_assessment")
    assert (event.from_state, event.to_state) == ("in_assessment", "awaiting_results")
    assert event.actor == world.assessor
    assert [a.method.value for a in domain_attempts(world.enrolment)] == [
        "showcase",
        "observation",
        "discussion",
    ]
    assert epa_result(world.enrolment).overall == OverallGrade.DISTINCTION


def test_an_observation_awaiting_its_carry_over_keeps_the_enrolment_in_assessment(
    assessor_client, world
):
    mark(assessor_client, book(world, "showcase", on=date(2026, 3, 2)))
    mark(assessor_client, book(world, "discussion", on=date(2026, 3, 2)))
    mark(assessor_client, book(world, "observation", on=date(2026, 3, 3)), {"S9.1": "carried_over"})
    world.enrolment.refresh_from_db()
    assert world.enrolment.state == "in_assessment"
