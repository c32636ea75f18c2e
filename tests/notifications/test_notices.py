"""In-app notices (issue 17 §6): every email written for someone with an account is also a
notice for them, written with the outbox row; the header counts the unread ones, the
notices page lists them a page at a time, each opens the page its email is about and is
marked read (one by one or all at once) by a POST, never a GET; nobody reaches anyone
else's notice."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openepa.accounts.models import User
from openepa.notifications.models import InAppNotice, OutboxMessage
from tests.journeys.driver import Journey

pytestmark = pytest.mark.django_db

WRITES = {"INSERT", "UPDATE", "DELETE"}
REASONS = "The employer has not signed off the gateway meeting record."


def rejected_gateway(world, deliver) -> None:
    """A gateway rejected: the employer, the provider and the apprentice are emailed."""
    journey = Journey(world.enrolment)
    journey.submit_gateway(world.provider_user, evidence=["gateway_meeting_record"])
    with deliver():
        journey.reject_gateway(world.admin, REASONS)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def header_count(html: str) -> str | None:
    found = re.search(r'Notices <span class="app-count">([^<]+)</span>', html)
    return found.group(1) if found else None


def test_every_email_to_a_user_is_a_notice_for_them(world, deliver):
    rejected_gateway(world, deliver)
    messages = OutboxMessage.objects.filter(event__action="reject_gateway")
    assert messages.count() == 3
    for message in messages:
        notice = InAppNotice.objects.get(message=message)
        assert notice.user.email == message.recipient
        assert notice.title == message.subject
        assert notice.read_at is None
    # The employer's notice links to the apprentice's record, which the employer can open.
    erin = InAppNotice.objects.get(user=world.employer_user)
    assert erin.url == f"/enrolments/{world.enrolment.pk}/"
    assert signed_in(world.employer_user).get(erin.url).status_code == 200


def test_an_email_to_someone_without_an_account_is_no_notice(world, deliver):
    world.enrolment.apprentice.user = None
    world.enrolment.apprentice.email = "no.login@example.org"
    world.enrolment.apprentice.save(update_fields=["user", "email"])
    rejected_gateway(world, deliver)
    assert OutboxMessage.objects.filter(recipient="no.login@example.org").exists()
    assert InAppNotice.objects.count() == 2  # the employer's and the provider's


def test_an_account_email_is_a_notice_without_its_link(client, world, deliver):
    with deliver():
        client.post("/accounts/password-reset/", {"email": "pat@coastal.example"})
    notice = InAppNotice.objects.get(user=world.provider_user)
    assert notice.url == "/accounts/password-reset/"
    assert "/accounts/reset/" not in notice.title


def test_the_header_counts_unread_notices_and_the_page_lists_them(world, deliver):
    rejected_gateway(world, deliver)
    erin = signed_in(world.employer_user)
    html = erin.get("/").content.decode()
    assert header_count(html) == "1"
    assert '<span class="govuk-visually-hidden"> unread</span>' in html
    page = erin.get("/notifications/").content.decode()
    notice = InAppNotice.objects.get(user=world.employer_user)
    assert notice.title in page
    assert "1 unread notice." in page
    # Someone who was sent nothing sees no count.
    assert header_count(signed_in(world.admin).get("/").content.decode()) is None


def writes_during(client: Client, path: str) -> list[str]:
    """The statements that changed the database while `path` was read."""
    with CaptureQueriesContext(connection) as seen:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in seen if q["sql"].split(None, 1)[0].upper() in WRITES]


def test_reading_the_notices_writes_nothing(world, deliver):
    """A GET must not write: neither the list, nor a notice's own page, nor a home page
    with the count in its header marks anything read or corrects the count."""
    rejected_gateway(world, deliver)
    erin = signed_in(world.employer_user)
    notice = InAppNotice.objects.get(user=world.employer_user)
    # A count gone wrong stays wrong on every GET (a POST puts it right, below).
    User.objects.filter(pk=world.employer_user.pk).update(unread_notices=5)
    for path in ("/notifications/", f"/notifications/{notice.pk}/", "/"):
        assert writes_during(erin, path) == [], path
    notice.refresh_from_db()
    assert notice.read_at is None
    assert header_count(erin.get("/").content.decode()) == "5"
    page = erin.get(f"/notifications/{notice.pk}/").content.decode()
    assert notice.title in page
    assert "Unread" in page
    assert f'href="{notice.url}"' in page  # open the page without marking it read
    erin.post("/notifications/read-all/", {"up_to": notice.pk})
    assert header_count(erin.get("/").content.decode()) is None


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(world, deliver):
    rejected_gateway(world, deliver)
    erin = signed_in(world.employer_user)
    notice = InAppNotice.objects.get(user=world.employer_user)
    listed = erin.get("/notifications/").content.decode()
    # The title is a form's button: opening is a POST, with the page's CSRF token.
    assert f'<form method="post" action="/notifications/{notice.pk}/"' in listed
    assert "csrfmiddlewaretoken" in listed
    response = erin.post(f"/notifications/{notice.pk}/")
    assert response.status_code == 302
    assert response["Location"] == notice.url
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert header_count(erin.get("/").content.decode()) is None
    assert "You have no unread notices." in erin.get("/notifications/").content.decode()
    page = erin.get(f"/notifications/{notice.pk}/").content.decode()
    assert "It is marked as read." in page
    assert "Mark as read" not in page
    # Opened again: still read, still there.
    assert erin.post(f"/notifications/{notice.pk}/")["Location"] == notice.url


def test_opening_a_notice_needs_the_csrf_token(world, deliver):
    rejected_gateway(world, deliver)
    notice = InAppNotice.objects.get(user=world.employer_user)
    erin = Client(enforce_csrf_checks=True)
    erin.force_login(world.employer_user)
    assert erin.post(f"/notifications/{notice.pk}/").status_code == 403
    assert erin.post(f"/notifications/{notice.pk}/read/").status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_one_read_then_all(world, deliver):
    rejected_gateway(world, deliver)
    journey = Journey(world.enrolment)
    journey.submit_gateway(world.provider_user, evidence=["gateway_meeting_record"])
    with deliver():
        journey.reject_gateway(world.admin, REASONS)
    pat = signed_in(world.provider_user)
    first, second = InAppNotice.objects.filter(user=world.provider_user).order_by("pk")
    assert header_count(pat.get("/").content.decode()) == "2"
    response = pat.post(f"/notifications/{first.pk}/read/", follow=True)
    assert "Marked as read" in response.content.decode()
    assert header_count(response.content.decode()) == "1"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None
    pat.post("/notifications/read-all/", {"up_to": second.pk})
    second.refresh_from_db()
    assert second.read_at is not None
    assert header_count(pat.get("/").content.decode()) is None


def test_mark_all_leaves_a_notice_newer_than_the_page_unread(world, deliver):
    rejected_gateway(world, deliver)
    seen = InAppNotice.objects.get(user=world.provider_user)
    journey = Journey(world.enrolment)
    journey.submit_gateway(world.provider_user, evidence=["gateway_meeting_record"])
    with deliver():
        journey.reject_gateway(world.admin, REASONS)
    pat = signed_in(world.provider_user)
    pat.post("/notifications/read-all/", {"up_to": seen.pk})
    unread = InAppNotice.objects.filter(user=world.provider_user, read_at__isnull=True)
    assert [n.pk for n in unread] == [seen.pk + 3]  # the second rejection's, one of three
    assert header_count(pat.get("/").content.decode()) == "1"


def test_nobody_reaches_anyone_elses_notice(world, deliver):
    rejected_gateway(world, deliver)
    notice = InAppNotice.objects.get(user=world.employer_user)
    for name, persona in world.personas().items():
        if persona is None or persona == world.employer_user:
            continue
        client = signed_in(persona)
        assert client.get(f"/notifications/{notice.pk}/").status_code == 404, name
        assert client.post(f"/notifications/{notice.pk}/").status_code == 404, name
        assert client.post(f"/notifications/{notice.pk}/read/").status_code == 404, name
        listed = client.get("/notifications/").content.decode()
        assert f'href="/notifications/{notice.pk}/"' not in listed, name
    client = signed_in(world.outsider_employer)
    client.post("/notifications/read-all/", {"up_to": notice.pk})
    notice.refresh_from_db()
    assert notice.read_at is None
    assert Client().get("/notifications/")["Location"].startswith("/accounts/login/")


def _notices(user: User, n: int) -> None:
    for i in range(n):
        message = OutboxMessage.objects.create(
            kind="gateway_rejected",
            key=f"test:{user.pk}:{i}",
            recipient=user.email,
            subject=f"Notice number {i}",
            text_body="",
            html_body="",
        )
        InAppNotice.objects.create(
            user=user, message=message, kind=message.kind, title=message.subject, url="/"
        )


@pytest.mark.parametrize("rows", [1, 75])
def test_the_notices_page_is_a_page_and_its_queries_do_not_grow(
    world, rows, django_assert_max_num_queries
):
    _notices(world.employer_user, rows)
    erin = signed_in(world.employer_user)
    erin.get("/notifications/")
    with django_assert_max_num_queries(9):
        page = erin.get("/notifications/").content.decode()
    assert len(re.findall(r'href="/notifications/\d+/"', page)) == min(rows, 25)
    if rows > 25:
        assert "Pages of notices" in page
