"""The employer's say (issue 12): English and maths in the training plan, asked at
registration and editable by the employer or provider until gateway is submitted; the
attempts the employer funds and whether further learning took place (seed 004, seed 003 §8).
"""

from __future__ import annotations

from html import unescape

import pytest

from openepa.enrolments.models import Enrolment, JourneyEvent
from tests.enrolments.test_registration import URL as REGISTER
from tests.enrolments.test_registration import error_on, form_data

pytestmark = pytest.mark.django_db


def page_url(world) -> str:
    return f"/enrolments/{world.enrolment.pk}/employer-decisions"


def fresh(world) -> Enrolment:
    return Enrolment.objects.get(pk=world.enrolment.pk)


def test_registration_records_the_training_plan_and_a_restarts_original_start(signed_in, world):
    client = signed_in(world.provider_user)
    data = form_data(world, english_in_training_plan="on", original_start_date="2023-09-04")
    assert client.post(REGISTER, data).status_code == 302
    enrolment = Enrolment.objects.get(apprentice__uln=data["uln"])
    assert enrolment.english_in_training_plan is True
    assert enrolment.maths_in_training_plan is False
    assert enrolment.training_plan_recorded_by == world.provider_user
    assert enrolment.training_plan_recorded_at is not None
    assert str(enrolment.original_start_date) == "2023-09-04"


def test_an_original_start_after_the_start_is_refused_on_its_field(signed_in, world):
    client = signed_in(world.provider_user)
    data = form_data(world, original_start_date="2025-03-01")
    html = unescape(client.post(REGISTER, data).content.decode())
    assert error_on(
        html,
        "original_start_date",
        "The original start date must be on or before the start date",
    )
    assert not Enrolment.objects.filter(apprentice__uln=data["uln"]).exists()


@pytest.mark.parametrize("persona", ["employer_user", "provider_user"])
def test_the_employer_or_provider_records_the_training_plan_before_gateway(
    signed_in, world, persona
):
    user = getattr(world, persona)
    client = signed_in(user)
    done = client.post(
        page_url(world),
        {
            "which": "training_plan",
            "version": fresh(world).version,
            "maths_in_training_plan": "on",
        },
        follow=True,
    )
    html = unescape(done.content.decode())
    assert "The employer's decision is recorded." in html
    assert (
        "English is <strong>not in</strong> the training plan; "
        f"maths is <strong>in</strong> the training plan, by {user}"
    ) in html
    enrolment = fresh(world)
    assert enrolment.english_in_training_plan is False
    assert enrolment.maths_in_training_plan is True
    assert enrolment.training_plan_recorded_by == user
    assert JourneyEvent.objects.filter(enrolment=enrolment, action="record_training_plan").exists()


def test_the_training_plan_no_longer_changes_once_gateway_is_submitted(signed_in, world):
    Enrolment.objects.filter(pk=world.enrolment.pk).update(state="gateway_submitted")
    client = signed_in(world.employer_user)
    html = unescape(client.get(page_url(world)).content.decode())
    assert "Gateway has been submitted: the decision was recorded with the gateway evidence" in html
    refused = client.post(
        page_url(world),
        {
            "which": "training_plan",
            "version": fresh(world).version,
            "english_in_training_plan": "on",
        },
    )
    assert "The training plan can be changed only before gateway is submitted" in unescape(
        refused.content.decode()
    )
    assert fresh(world).english_in_training_plan is False


def test_the_employer_records_the_attempts_funded_and_further_learning(signed_in, world):
    client = signed_in(world.employer_user)
    done = client.post(
        page_url(world),
        {
            "which": "attempts",
            "version": fresh(world).version,
            "funded_attempts": "2",
            "further_learning_before_resit": "no",
        },
        follow=True,
    )
    html = unescape(done.content.decode())
    assert (
        "2 attempts of each method funded; further learning before the next resit or retake: no"
        in html
    )
    enrolment = fresh(world)
    assert enrolment.funded_attempts == 2
    assert enrolment.further_learning_before_resit is False
    assert enrolment.attempts_recorded_by == world.employer_user


def test_zero_attempts_funded_is_refused_with_the_rule(signed_in, world):
    client = signed_in(world.employer_user)
    page = client.post(
        page_url(world),
        {"which": "attempts", "version": fresh(world).version, "funded_attempts": "0"},
    )
    assert (
        "The number of attempts funded must be at least 1 (the first attempt counts)"
        in unescape(page.content.decode())
    )
    assert fresh(world).funded_attempts is None


def test_only_the_employer_records_the_attempts_funded(signed_in, world):
    client = signed_in(world.provider_user)
    assert "Only the employer records these." in client.get(page_url(world)).content.decode()
    page = client.post(
        page_url(world),
        {"which": "attempts", "version": fresh(world).version, "funded_attempts": "3"},
    )
    assert "Only the apprentice&#x27;s employer can record this" in page.content.decode()
    assert fresh(world).funded_attempts is None


def test_a_stale_form_is_refused(signed_in, world):
    client = signed_in(world.employer_user)
    stale = fresh(world).version - 1
    client.post(page_url(world), {"which": "attempts", "version": stale, "funded_attempts": "3"})
    assert fresh(world).funded_attempts is None


@pytest.mark.parametrize(
    "persona", ["outsider_employer", "outsider_provider", "admin", "assessor", "apprentice_user"]
)
def test_others_get_not_found(signed_in, world, persona):
    client = signed_in(getattr(world, persona))
    assert client.get(page_url(world)).status_code == 404
    posted = client.post(
        page_url(world),
        {"which": "attempts", "version": fresh(world).version, "funded_attempts": "3"},
    )
    assert posted.status_code == 404
    assert fresh(world).funded_attempts is None
