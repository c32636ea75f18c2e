"""Gateway through the pages: provider or employer submits, the EPAO admin sees the domain's
eligibility and accepts or rejects with reasons; rejected submissions are resubmitted and
the history keeps every one (seed 000 §2.2)."""

from __future__ import annotations

import pytest

from openepa.enrolments.models import Enrolment, JourneyEvent
from openepa.gateway.models import GatewaySubmission

pytestmark = pytest.mark.django_db


def url(world, name):
    return f"/gateway/enrolments/{world.enrolment.pk}/{name}"


def refresh(world):
    world.enrolment.refresh_from_db()
    return world.enrolment


def test_submit_reject_resubmit_accept_keeps_the_history(client, world, evidence):
    client.force_login(world.provider_user)
    # Missing the employer sign-off and maths at Level 1.
    incomplete = evidence(
        world,
        evidence=["gateway_meeting_record", "provider_sign_off"],
        maths="entry_3",
    )
    page = client.post(url(world, "submit/"), incomplete)
    assert page.status_code == 302
    assert refresh(world).state == "gateway_submitted"

    client.force_login(world.admin)
    html = client.get(url(world, "")).content.decode()
    assert "2 requirements not met" in html
    assert "employer sign-off that the apprentice is ready for EPA is required" in html
    assert "maths at Level 1 is required; recorded: entry 3" in html
    assert "Highfield EPA kit — Gateway" in html  # each requirement cites its source

    refused = client.post(url(world, "accept/"), {"version": refresh(world).version})
    html = refused.content.decode()
    assert "Gateway cannot be accepted: 2 requirement(s) not met" in html
    assert "employer sign-off that the apprentice is ready for EPA is required" in html
    assert refresh(world).state == "gateway_submitted"

    rejected = client.post(
        url(world, "reject/"),
        {
            "version": refresh(world).version,
            "reasons": "Employer sign-off and Level 1 maths missing.",
        },
    )
    assert rejected.status_code == 302
    assert refresh(world).state == "gateway_rejected"

    client.force_login(world.provider_user)
    html = client.get(url(world, "")).content.decode()
    assert "Employer sign-off and Level 1 maths missing." in html
    assert "Resubmit gateway evidence" in html
    assert (
        client.post(
            url(world, "submit/"), evidence(world, version=refresh(world).version)
        ).status_code
        == 302
    )

    client.force_login(world.admin)
    html = client.get(url(world, "")).content.decode()
    assert "Every requirement is met." in html
    accepted = client.post(url(world, "accept/"), {"version": refresh(world).version, "notes": ""})
    assert accepted.status_code == 302
    enrolment = refresh(world)
    assert enrolment.state == "gateway_accepted"
    assert enrolment.gateway_accepted_on is not None

    statuses = list(
        GatewaySubmission.objects.filter(enrolment=enrolment)
        .order_by("submitted_at", "id")
        .values_list("status", flat=True)
    )
    assert statuses == ["rejected", "accepted"]
    html = client.get(url(world, "")).content.decode()
    assert html.count('data-label="Decision">Rejected by Amina Admin') == 1
    assert html.count('data-label="Decision">Accepted by Amina Admin') == 1
    actions = list(
        JourneyEvent.objects.filter(enrolment=enrolment).values_list("action", flat=True)
    )
    assert actions == [
        "register",
        "submit_gateway",
        "reject_gateway",
        "submit_gateway",
        "accept_gateway",
    ]


def test_the_employer_can_submit_too(client, world, evidence):
    client.force_login(world.employer_user)
    assert client.get(url(world, "submit/")).status_code == 200
    assert client.post(url(world, "submit/"), evidence(world)).status_code == 302
    assert refresh(world).state == "gateway_submitted"


def test_a_rejection_needs_reasons(client, world, evidence):
    client.force_login(world.provider_user)
    client.post(url(world, "submit/"), evidence(world))
    client.force_login(world.admin)
    page = client.post(url(world, "reject/"), {"version": refresh(world).version, "reasons": " "})
    assert "Give the reasons for the rejection" in page.content.decode()
    assert refresh(world).state == "gateway_submitted"


def test_the_reject_form_is_prefilled_with_the_unmet_requirements(client, world, evidence):
    client.force_login(world.provider_user)
    client.post(url(world, "submit/"), evidence(world, showcase_format=""))
    client.force_login(world.admin)
    html = client.get(url(world, "")).content.decode()
    assert "- the showcase format (report or presentation) must be chosen at gateway" in html


def test_a_second_submission_while_one_is_open_is_refused(client, world, evidence):
    client.force_login(world.provider_user)
    client.post(url(world, "submit/"), evidence(world))
    page = client.post(url(world, "submit/"), evidence(world, version=refresh(world).version))
    assert "cannot submit gateway while the enrolment is gateway submitted" in page.content.decode()
    assert GatewaySubmission.objects.count() == 1


def test_a_gateway_meeting_in_the_future_is_refused(client, world, evidence):
    client.force_login(world.provider_user)
    page = client.post(url(world, "submit/"), evidence(world, gateway_date="2099-01-05"))
    assert "The gateway meeting date cannot be in the future" in page.content.decode()
    assert refresh(world).state == "registered"


def test_a_stale_form_is_refused(client, world, evidence):
    client.force_login(world.provider_user)
    page = client.post(url(world, "submit/"), evidence(world, version=world.enrolment.version - 1))
    assert "changed by someone else" in page.content.decode()


@pytest.mark.parametrize(
    "persona",
    [
        "assessor",
        "iqa",
        "admin",
        "apprentice",
        "outsider_admin",
        "outsider_employer",
        "outsider_provider",
        "outsider_assessor",
    ],
)
def test_only_the_provider_and_employer_can_submit(client, world, evidence, persona):
    client.force_login(world.personas()[persona])
    assert client.get(url(world, "submit/")).status_code == 404
    assert client.post(url(world, "submit/"), evidence(world)).status_code == 404
    assert refresh(world).state == "registered"


@pytest.mark.parametrize(
    "persona",
    [
        "assessor",
        "iqa",
        "apprentice",
        "outsider_admin",
        "outsider_employer",
        "outsider_provider",
        "outsider_assessor",
    ],
)
def test_outsiders_cannot_see_the_gateway_record(client, world, persona):
    client.force_login(world.personas()[persona])
    assert client.get(url(world, "")).status_code == 404


@pytest.mark.parametrize("persona", ["provider", "employer", "outsider_admin"])
def test_only_the_epao_admin_decides(client, world, evidence, persona):
    client.force_login(world.provider_user)
    client.post(url(world, "submit/"), evidence(world))
    client.force_login(world.personas()[persona])
    version = refresh(world).version
    assert client.post(url(world, "accept/"), {"version": version}).status_code == 404
    assert (
        client.post(url(world, "reject/"), {"version": version, "reasons": "x"}).status_code == 404
    )
    assert refresh(world).state == "gateway_submitted"


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    page = client.get(url(world, ""))
    assert page.status_code == 302
    assert "/accounts/login/" in page["Location"]


def test_the_pages_are_accessible_forms(client, world, evidence):
    client.force_login(world.provider_user)
    html = client.get(url(world, "submit/")).content.decode()
    assert "<legend>Evidence supplied</legend>" in html
    # The date is a GOV.UK date input: a fieldset of labelled day, month and year.
    assert '<fieldset class="govuk-fieldset" id="id_gateway_date" role="group"' in html
    for part, label in (("day", "Day"), ("month", "Month"), ("year", "Year")):
        assert f'for="id_gateway_date_{part}">{label}</label>' in html
    assert 'type="date"' not in html
    page = client.post(url(world, "submit/"), evidence(world, gateway_date=""))
    html = page.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert (
        '<a href="#id_gateway_date_day">Enter the date of the gateway meeting as day, month' in html
    )
    assert "<script>" not in html
    assert "style=" not in html


def _submissions(world, n):
    GatewaySubmission.objects.bulk_create(
        GatewaySubmission(
            enrolment=world.enrolment,
            submitted_by=world.provider_user,
            gateway_date="2026-11-02",
            english="level_1",
            maths="level_1",
            evidence=["gateway_meeting_record"],
            status="rejected",
            decided_by=world.admin,
            decision_reasons="missing",
        )
        for _ in range(n)
    )


@pytest.mark.parametrize("rows", [1, 50])
def test_review_page_query_count_does_not_grow(client, world, django_assert_max_num_queries, rows):
    _submissions(world, rows)
    Enrolment.objects.filter(pk=world.enrolment.pk).update(state="gateway_submitted")
    client.force_login(world.admin)
    with django_assert_max_num_queries(12):
        page = client.get(url(world, ""))
    assert page.status_code == 200
