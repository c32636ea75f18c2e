"""Gateway under the rule in force on the gateway date: the national English and maths rule
of 11 February 2025 (DESIGN.md §3), the training plan decision recorded with who and when,
and a decision made before a change keeping the eligibility it was made on."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
import time_machine

from openepa.domain.in_force import DatedRule
from openepa.enrolments.models import Enrolment
from openepa.gateway import queries
from openepa.gateway.models import GatewaySubmission
from tests.gateway.through_pages import prepare, review_all
from tests.personas import build_world, register

pytestmark = pytest.mark.django_db

NATIONAL = "The national rule from 11 February 2025"
HELP_CENTRE = (
    "Apprenticeship service help centre, Department for Education, "
    "“Changes to English and maths requirements” (11 February 2025)"
)


@pytest.fixture
def adult():
    """NQual, an apprentice aged 25 at the start, more than a year on programme."""
    world = build_world(policy="nqual")
    world.enrolment = register(
        world.provider_user,
        epao=world.epao,
        employer=world.employer,
        provider=world.provider,
        start=date(2024, 1, 8),
        dob=date(1998, 5, 1),
        given="Grace",
        family="Hopper",
    )
    return world


def send(client, world, gateway_date: date, submitter=None, **extra: str) -> int:
    """Prepare NQual's task list (details, the showcase, the employer's sign-off) through
    the pages and submit it; the submit response's status."""
    details = {"gateway_date": gateway_date.isoformat(), "english": "none", "maths": "none"}
    status: int = prepare(client, world, submitter=submitter, **details, **extra).status_code
    return status


def review(client, world) -> str:
    client.force_login(world.admin)
    return unescape(client.get(f"/gateway/enrolments/{world.enrolment.pk}/").content.decode())


def test_from_11_february_2025_an_adult_without_english_and_maths_in_the_plan_is_eligible(
    client, adult
):
    gateway = date.today() - timedelta(days=3)
    assert send(client, adult, gateway) == 302
    html = review(client, adult)
    assert NATIONAL in html
    assert HELP_CENTRE in html
    assert (
        "For this apprentice: aged 25 at the start, and English and maths are not in the "
        "training plan: not required." in html
    )
    assert "Every requirement is met." in html
    review_all(client, adult)
    version = Enrolment.objects.get(pk=adult.enrolment.pk).version
    accepted = client.post(
        f"/gateway/enrolments/{adult.enrolment.pk}/accept/", {"version": version}
    )
    assert accepted.status_code == 302
    recorded = GatewaySubmission.objects.get(enrolment=adult.enrolment).recorded_eligibility
    assert recorded is not None
    assert recorded["eligible"] is True
    assert recorded["english_maths_rule"].startswith(NATIONAL)


def test_english_and_maths_in_the_training_plan_at_gateway_makes_them_required(client, adult):
    gateway = date.today() - timedelta(days=3)
    plan = {"english_in_training_plan": "on", "maths_in_training_plan": "on"}
    assert send(client, adult, gateway, submitter=adult.employer_user, **plan) == 302
    enrolment = Enrolment.objects.get(pk=adult.enrolment.pk)
    assert enrolment.english_in_training_plan is True
    assert enrolment.maths_in_training_plan is True
    assert enrolment.training_plan_recorded_by == adult.employer_user
    assert enrolment.training_plan_recorded_at is not None
    html = review(client, adult)
    assert "English and maths are in the training plan: English and maths required." in html
    assert "Submitted with English and maths in the training plan." in html
    assert "2 requirements not met." in html


def test_only_english_in_the_training_plan_at_gateway_requires_english_not_maths(client, adult):
    gateway = date.today() - timedelta(days=3)
    plan = {"english_in_training_plan": "on"}
    assert send(client, adult, gateway, submitter=adult.employer_user, **plan) == 302
    enrolment = Enrolment.objects.get(pk=adult.enrolment.pk)
    assert (enrolment.english_in_training_plan, enrolment.maths_in_training_plan) == (True, False)
    html = review(client, adult)
    assert (
        "English is in the training plan but maths is not: English required, maths not required."
    ) in html
    assert "Submitted with English (not maths) in the training plan." in html
    assert "1 requirement not met." in html


def test_a_gateway_decided_before_the_change_keeps_its_recorded_outcome(
    client, adult, nqual, monkeypatch
):
    with time_machine.travel(datetime(2025, 2, 7, 12, tzinfo=UTC), tick=False):
        assert send(client, adult, date(2025, 2, 6)) == 302
        review_all(client, adult, returned={"details": "Level 1 English and maths are missing."})
        version = Enrolment.objects.get(pk=adult.enrolment.pk).version
        rejected = client.post(
            f"/gateway/enrolments/{adult.enrolment.pk}/reject/",
            {"version": version, "reasons": ""},
        )
        assert rejected.status_code == 302

    # Suppose the rule were later found to apply from an earlier day: computed now, the
    # same submission would be eligible …
    published, national = nqual.gateway.english_maths_dated().versions
    earlier = replace(national, applies_from=date(2024, 1, 1))
    changed = replace(
        nqual,
        gateway=replace(nqual.gateway, english_maths_versions=DatedRule((published, earlier))),
    )
    standard, _ = queries.rules_for(adult.enrolment)
    monkeypatch.setattr(queries, "rules_for", lambda enrolment: (standard, changed))
    submission = GatewaySubmission.objects.get(enrolment=adult.enrolment)
    assert queries.current_eligibility(submission).eligible

    # … but the decision shows the eligibility it was made on, under NQual's published rule.
    html = review(client, adult)
    assert "The gateway requirement NQual publishes" in html
    assert NATIONAL not in html
    assert "2 requirements not met." in html
    assert "English at Level 1 or a British Sign Language qualification is required" in html
    assert "As recorded when the EPAO decided on 7 February 2025" in html
