"""Whole EPA journeys through the real pages, each step by the persona who does it
(issue 3 "Done when"): registration to a Distinction; a Fail, then a resit to a Pass capped
where the policy says so; a rejected then accepted gateway."""

from __future__ import annotations

import pytest

from openepa.domain.grading import Outcome
from openepa.domain.standard import InteractionMode, Method
from tests.journeys.driver import Journey, marks, working_day_after
from tests.personas import build_world, next_uln, person

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


def test_gateway_to_awaiting_results_with_a_carried_over_criterion(world):
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


def test_registration_to_a_released_distinction_seen_by_every_party(world):
    journey = Journey.register(
        world.provider_user,
        {
            "uln": next_uln(),
            "given_name": "Grace",
            "family_name": "Hopper",
            "date_of_birth": "2007-03-09",
            "email": "grace.hopper@example.org",
            "standard": world.standard.pk,
            "employer": world.employer.pk,
            "provider": world.provider.pk,
            "epao": world.epao.pk,
            "start_date": "2025-01-06",
            "planned_end_date": "2026-02-27",
            "face_to_face": "on",
        },
    )
    grace = person("grace@example.org", "Grace Hopper")  # the apprentice's own login
    journey.enrolment.apprentice.user = grace
    journey.enrolment.apprentice.save(update_fields=["user"])
    through_assessment(world, journey)
    result_id = journey.latest_result_id()
    parties = (grace, world.employer_user, world.provider_user)
    # Before release only the EPAO sees it.
    for party in parties:
        assert journey.as_(party).get(f"/results/{result_id}/").status_code == 404
    journey.release(world.admin)
    assert journey.state() == "results_issued"
    for party in parties:
        page = journey.as_(party).get(f"/results/{result_id}/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "Distinction" in html
        assert "Summarise more often." in html  # the assessor's feedback on the observation
    for outsider in (world.outsider_employer, world.apprentice_user):  # Ada is another apprentice
        assert journey.as_(outsider).get(f"/results/{result_id}/").status_code == 404


@pytest.mark.parametrize(
    ("policy", "overall", "capped"),
    [("nqual", "pass", True), ("gateway-qualifications", "distinction", False)],
)
def test_fail_then_resit_to_a_pass_capped_where_the_policy_says(db, policy, overall, capped):
    world = build_world(policy=policy)
    journey = Journey(world.enrolment)
    showcase, observation, discussion = journey.to_three_bookings(world)
    journey.mark(world.assessor, showcase, marks(Method.SHOWCASE, F2F, 10))
    failed = marks(Method.OBSERVATION, F2F, 5, {"S8.1": Outcome.NOT_MET})
    journey.mark(world.assessor, observation, failed, "Open every conversation positively.")
    journey.mark(world.assessor, discussion, marks(Method.DISCUSSION, F2F, 4))
    first = journey.release(world.admin)
    assert journey.state() == "resit_due"
    result = journey.as_(world.apprentice_user).get(f"/results/{first}/").content.decode()
    assert "Fail" in result
    assert "Open every conversation positively." in result
    # No resit of a passed method (seed 000 §4, 002, 004).
    refused = journey.post_form(
        world.admin,
        f"/bookings/enrolments/{world.enrolment.pk}/book/",
        {
            "method": "showcase",
            "kind": "resit",
            "starts_at": f"{working_day_after(20).isoformat()}T10:00",
            "duration_minutes": 30,
            "venue": "Branch",
            "assessor": world.second_assessor.pk,
        },
        expect_redirect=False,
    )
    assert "cannot be taken to improve a Pass or Distinction" in refused.content.decode()
    resit = journey.book(
        world.admin,
        Method.OBSERVATION,
        world.second_assessor,
        working_day_after(21),
        10,
        60,
        kind="resit",
    )
    assert journey.state() == "in_assessment"
    journey.mark(world.second_assessor, resit, marks(Method.OBSERVATION, F2F, 5))
    assert journey.state() == "awaiting_results"
    second = journey.release(world.admin)
    final = world.enrolment.results.get(pk=second)
    assert final.grade == overall
    assert final.capped is capped
    html = journey.as_(world.employer_user).get(f"/results/{second}/").content.decode()
    assert ("capped" in html.lower()) is capped


def test_highfield_observation_resit_with_a_discussion_follow_up(world):
    """Seed 002: a failed observation is resat "along with an additional professional
    discussion follow-up of 30 minutes" when a suitable situation did not occur; the
    follow-up judges only the carried-over criterion, and Highfield caps no grade."""
    journey = Journey(world.enrolment)
    journey.submit_gateway(world.provider_user)
    journey.accept_gateway(world.admin)
    journey.record_planning(world.admin)
    showcase = journey.book(
        world.admin, Method.SHOWCASE, world.assessor, working_day_after(5), 9, 30
    )
    observation = journey.book(
        world.admin, Method.OBSERVATION, world.assessor, working_day_after(6), 10, 90
    )
    discussion = journey.book(
        world.admin, Method.DISCUSSION, world.assessor, working_day_after(7), 10, 60
    )
    journey.mark(world.assessor, showcase, marks(Method.SHOWCASE, F2F, 7))
    # Attempted and not met: a fail, not a carry-over.
    failed = marks(Method.OBSERVATION, F2F, 4, {"S8.1": Outcome.NOT_MET})
    journey.mark(world.assessor, observation, failed)
    journey.mark(world.assessor, discussion, marks(Method.DISCUSSION, F2F, 3))
    journey.release(world.admin)
    assert journey.state() == "resit_due"

    resit = journey.book(
        world.admin,
        Method.OBSERVATION,
        world.second_assessor,
        working_day_after(21),
        10,
        90,
        kind="resit",
    )
    carried = marks(Method.OBSERVATION, F2F, 4, {"B18.3": Outcome.CARRIED_OVER})
    journey.mark(world.second_assessor, resit, carried)
    # The observation has no grade until the follow-up judges B18.3.
    assert journey.state() == "in_assessment"

    follow_up = journey.book(
        world.admin,
        Method.DISCUSSION,
        world.second_assessor,
        working_day_after(21),
        14,
        30,
        kind="follow_up",
    )
    booking = world.enrolment.bookings.get(pk=follow_up)
    assert (booking.kind, booking.attempt_number) == ("follow_up", 2)
    journey.accept_booking(world.second_assessor, follow_up)
    sheet = journey.as_(world.second_assessor).get(f"/marking/booking/{follow_up}/")
    assert 'name="outcome_B18_3"' in sheet.content.decode()
    assert 'name="outcome_K1_1"' not in sheet.content.decode()  # no discussion criteria
    journey.mark(world.second_assessor, follow_up, {"B18.3": Outcome.MET})
    assert journey.state() == "awaiting_results"

    final_id = journey.release(world.admin)
    assert journey.state() == "results_issued"
    final = world.enrolment.results.get(pk=final_id)
    assert final.grade == "distinction"
    assert final.capped is False
