"""The enrolment page: summary, full timeline, links to other contexts, withdrawal."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch

from openepa.domain.journey import State
from openepa.enrolments import links
from openepa.enrolments.actions import do_withdraw_enrolment
from openepa.enrolments.models import Enrolment, JourneyEvent
from tests.enrolments.helpers import book, result

pytestmark = pytest.mark.django_db


def page_url(enrolment: Enrolment) -> str:
    return f"/enrolments/{enrolment.pk}/"


def withdraw_url(enrolment: Enrolment) -> str:
    return f"/enrolments/{enrolment.pk}/withdraw"


def test_summary_and_the_registration_on_the_timeline(signed_in, world):
    html = signed_in(world.employer_user).get(page_url(world.enrolment)).content.decode()
    apprentice = world.enrolment.apprentice
    for text in (
        "Ada Lovelace",
        apprentice.uln,
        "ST0072 Customer Service Practitioner, level 2",
        "Harbour Bank",
        "Coastal Training",
        "Northern EPAO, under the Highfield",
        "6 January 2025",
        "Face-to-face",
        '<strong class="govuk-tag">Registered</strong>',
    ):
        assert text in html, text
    timeline = html[html.index('id="timeline-title"') :]
    assert "was registered on the standard by Pat Provider." in timeline


@pytest.mark.parametrize("persona", ["admin", "employer", "provider", "apprentice"])
def test_everyone_involved_sees_the_page(signed_in, world, persona):
    assert signed_in(world.personas()[persona]).get(page_url(world.enrolment)).status_code == 200


def test_an_assessor_sees_it_only_once_allocated(signed_in, world):
    client = signed_in(world.assessor)
    assert client.get(page_url(world.enrolment)).status_code == 404
    book(world.enrolment, world.assessor, by=world.admin)
    assert client.get(page_url(world.enrolment)).status_code == 200


@pytest.mark.parametrize(
    "persona",
    [
        "second_assessor",
        "iqa",
        "outsider_admin",
        "outsider_employer",
        "outsider_provider",
        "outsider_assessor",
    ],
)
def test_anyone_else_gets_the_same_404_as_a_missing_id(signed_in, world, persona):
    client = signed_in(world.personas()[persona])
    assert client.get(page_url(world.enrolment)).status_code == 404
    assert client.get("/enrolments/999999/").status_code == 404


def test_withdrawal_shows_reason_and_states_on_the_timeline(signed_in, world):
    client = signed_in(world.admin)
    assert "Withdraw this apprentice" in client.get(page_url(world.enrolment)).content.decode()
    page = client.post(
        withdraw_url(world.enrolment),
        {"reason": "Left the employer", "version": world.enrolment.version},
        follow=True,
    )
    html = page.content.decode()
    assert page.redirect_chain[-1][0] == page_url(world.enrolment)
    assert "Ada Lovelace has been withdrawn." in html
    timeline = html[html.index('id="timeline-title"') :]
    assert "Withdrawn" in timeline
    assert "Registered → Withdrawn" in timeline
    assert "Reason: Left the employer" in timeline
    assert "by Amina Admin" in timeline
    world.enrolment.refresh_from_db()
    assert world.enrolment.state == State.WITHDRAWN
    assert "Withdraw this apprentice" not in html


def test_withdrawal_needs_a_reason(signed_in, world):
    page = signed_in(world.admin).post(
        withdraw_url(world.enrolment), {"reason": "  ", "version": world.enrolment.version}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="id_reason-error"' in html
    assert "Give the reason for the withdrawal." in html
    world.enrolment.refresh_from_db()
    assert world.enrolment.state == State.REGISTERED


def test_a_stale_withdrawal_form_is_refused_and_nothing_is_overwritten(signed_in, world):
    opened_at = world.enrolment.version
    # Someone else acts on the record after the form was opened.
    do_withdraw_enrolment(
        actor=world.admin, enrolment_id=world.enrolment.pk, reason="Duplicate record"
    )
    events = JourneyEvent.objects.count()
    page = signed_in(world.admin).post(
        withdraw_url(world.enrolment), {"reason": "Left", "version": opened_at}
    )
    assert page.status_code == 200
    assert "This record was changed by someone else while you were working on it" in (
        page.content.decode()
    )
    assert JourneyEvent.objects.count() == events
    assert JourneyEvent.objects.filter(reason="Left").count() == 0


def test_withdrawing_twice_is_refused_by_the_journey(signed_in, world):
    do_withdraw_enrolment(actor=world.admin, enrolment_id=world.enrolment.pk, reason="Left")
    world.enrolment.refresh_from_db()
    page = signed_in(world.admin).post(
        withdraw_url(world.enrolment), {"reason": "Again", "version": world.enrolment.version}
    )
    assert "cannot withdraw while the enrolment is withdrawn" in page.content.decode()


@pytest.mark.parametrize("persona", ["employer", "provider", "apprentice", "outsider_admin"])
def test_only_the_epaos_admins_may_withdraw(signed_in, world, persona):
    client = signed_in(world.personas()[persona])
    assert client.get(withdraw_url(world.enrolment)).status_code == 404
    page = client.post(
        withdraw_url(world.enrolment), {"reason": "No", "version": world.enrolment.version}
    )
    assert page.status_code == 404
    world.enrolment.refresh_from_db()
    assert world.enrolment.state == State.REGISTERED
    assert "Withdraw this apprentice" not in (
        client.get(page_url(world.enrolment)).content.decode()
    )


def test_links_to_other_contexts_appear_only_once_their_urls_exist(world, monkeypatch):
    """Links come from the URL names that exist; a missing one is skipped, never an error."""
    existing = {"gateway:submit": "/gateway/{id}/submit", "gateway:review": "/gateway/{id}/"}

    def fake_reverse(name, kwargs):
        if name not in existing:
            raise NoReverseMatch(name)
        return existing[name].format(id=kwargs["enrolment_id"])

    monkeypatch.setattr(links, "reverse", fake_reverse)
    pk = world.enrolment.pk
    assert links.action_links(world.provider_user, world.enrolment) == [
        ("Submit gateway evidence", f"/gateway/{pk}/submit"),
        ("Gateway submissions", f"/gateway/{pk}/"),
    ]
    # The apprentice is offered neither; nothing breaks for the missing bookings pages.
    assert links.action_links(world.apprentice_user, world.enrolment) == []
    assert links.action_links(world.admin, world.enrolment) == [
        ("Gateway submissions", f"/gateway/{pk}/")
    ]
    # Once gateway is submitted, the provider is no longer asked to submit it, and the
    # admin's one link to the review page says what to do there.
    world.enrolment.state = State.GATEWAY_SUBMITTED
    assert links.action_links(world.provider_user, world.enrolment) == [
        ("Gateway submissions", f"/gateway/{pk}/")
    ]
    assert links.action_links(world.admin, world.enrolment) == [
        ("Review the gateway submission", f"/gateway/{pk}/")
    ]


def test_no_link_at_all_when_no_other_context_has_pages(world, monkeypatch):
    def no_pages(name, kwargs):
        raise NoReverseMatch(name)

    monkeypatch.setattr(links, "reverse", no_pages)
    book(world.enrolment, world.assessor, by=world.admin)
    result(world.enrolment, due_on=None, released=True, by=world.admin)
    for user in (world.admin, world.assessor, world.provider_user, world.apprentice_user):
        assert links.action_links(user, world.enrolment) == []
        assert links.object_links(user, world.enrolment) == []


def test_records_link_to_bookings_for_their_assessor_and_released_results(world, monkeypatch):
    monkeypatch.setattr(
        links, "reverse", lambda name, kwargs: f"/{name}/{next(iter(kwargs.values()))}/"
    )
    mine = book(world.enrolment, world.assessor, by=world.admin)
    theirs = book(world.enrolment, world.second_assessor, by=world.admin, hours_from_now=96)
    held = result(world.enrolment, due_on=None)
    released = result(world.enrolment, due_on=None, released=True, by=world.admin)

    def urls(user):
        return {url for _, url in links.object_links(user, world.enrolment)}

    def documents(result):
        # A Pass: its statement, record of achievement and feedback report (openepa.documents),
        # each as a PDF and as its accessible HTML version.
        names = ("documents:statement", "documents:record", "documents:feedback")
        return {f"/{name}{kind}/{result.pk}/" for name in names for kind in ("", "_html")}

    assert urls(world.assessor) == {
        f"/bookings:detail/{mine.pk}/",
        f"/assessments:sheet/{mine.pk}/",
    }
    assert urls(world.admin) == {
        f"/bookings:detail/{mine.pk}/",
        f"/assessments:sheet/{mine.pk}/",
        f"/bookings:detail/{theirs.pk}/",
        f"/assessments:sheet/{theirs.pk}/",
        f"/results:detail/{held.pk}/",
        f"/results:detail/{released.pk}/",
        *documents(held),
        *documents(released),
    }
    for user in (world.provider_user, world.employer_user, world.apprentice_user):
        assert urls(user) == {f"/results:detail/{released.pk}/", *documents(released)}


def test_the_page_renders_with_whatever_urls_exist_now(signed_in, world):
    for persona in ("admin", "employer", "provider", "apprentice"):
        assert (
            signed_in(world.personas()[persona]).get(page_url(world.enrolment)).status_code == 200
        )
