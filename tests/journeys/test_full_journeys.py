"""Whole EPA journeys through the real pages, each step by the persona who does it
(issue 3 "Done when"): registration to a Distinction; a Fail, then a resit to a Pass capped
where the policy says so; a rejected then accepted gateway."""

from __future__ import annotations

import pytest

from openepa.domain.grading import Outcome
from openepa.domain.standard import InteractionMode, Method
from tests.journeys.driver import Journey, marks, working_day_after

pytestmark = pytest.mark.django_db
F2F = frozenset({InteractionMode.FACE_TO_FACE})


def through_assessment(world, journey: Journey, observation_overrides=None, dist=(7, 4, 3)):
    """Gateway (rejected once, then accepted), planning, three bookings, three sheets."""
    journey.submit_gateway(world.provider_user, evidence=["gateway_meeting_record"])
    assert journey.state() == "gateway_submitted"
    journey.reject_gateway(
        world.admin, "The employer has not signed off the gateway meeting record."
    )
    assert journey.state() == "gateway_rejected"
    journey.submit_gateway(world.provider_user)
    journey.accept_gateway(world.admin)
    assert journey.state() == "gateway_accepted"
    journey.record_planning(world.admin)
    assert journey.state() == "planning"
    showcase = journey.book(
        world.admin, Method.SHOWCASE, world.assessor, working_day_after(5), 9, 30
    )
    assert journey.state() == "in_assessment"
    observation = journey.book(
        world.admin, Method.OBSERVATION, world.assessor, working_day_after(6), 10, 90
    )
    discussion = journey.book(
        world.admin, Method.DISCUSSION, world.assessor, working_day_after(7), 10, 60
    )
    journey.mark(world.assessor, showcase, marks(Method.SHOWCASE, F2F, dist[0]))
    carried = {"S8.2": Outcome.CARRIED_OVER, **(observation_overrides or {})}
    journey.mark(
        world.assessor,
        observation,
        marks(Method.OBSERVATION, F2F, dist[1], carried),
        "Summarise more often.",
    )
    journey.mark(
        world.assessor, discussion, {**marks(Method.DISCUSSION, F2F, dist[2]), "S8.2": Outcome.MET}
    )
    return showcase, observation, discussion


def test_registration_to_awaiting_results_with_a_carried_over_criterion(world):
    journey = Journey(world.enrolment)
    through_assessment(world, journey)
    assert journey.state() == "awaiting_results"
    actions = list(world.enrolment.events.values_list("action", flat=True))
    for expected in (
        "register",
        "submit_gateway",
        "reject_gateway",
        "accept_gateway",
        "record_planning_meeting",
        "book_assessment",
        "submit_marking_sheet",
        "complete_assessment",
    ):
        assert expected in actions, expected
    # The timeline keeps the rejected gateway and its reason.
    page = (
        journey.as_(world.employer_user).get(f"/enrolments/{world.enrolment.pk}/").content.decode()
    )
    assert "has not signed off the gateway meeting record" in page
