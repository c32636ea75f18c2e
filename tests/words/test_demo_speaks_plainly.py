"""Every page of the demo EPAO, as each of its sign-ins, every PDF and CSV those pages link
to, and every email its history would send, in words a person understands (issue 11 §2):
no seed or file reference, no line number, no snake_case code, no IQA draw. A failure lists
each leak with the page (or email) and the role that saw it.

The walk as every role is a sweep (`make test-sweeps`); `make test` walks as the apprentice."""

from __future__ import annotations

import io
from collections import deque
from datetime import date
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from pypdf import PdfReader

from openepa.accounts.models import User
from openepa.demo.people import APPRENTICE_LOCAL, DemoLogin, demo_email
from openepa.enrolments.models import JourneyEvent
from openepa.notifications import compose
from openepa.notifications.models import OutboxMessage
from tests.plain_words import leaks, visible_text
from tests.seeded_demo import small_demo_for_the_module

#: A Monday with no bank holiday near it (as tests/web/test_demo.py).
TODAY = date(2026, 11, 23)
#: Links a walk must not follow: signing out ends the walk, the rest are not pages.
SKIP = ("/accounts/logout", "/static/", "/media/", "/admin/")
#: A walk stops after this many addresses per role (the small demo has far fewer).
MAX_PAGES = 1500


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One demo apprentice per story, built once for this module's tests."""
    with small_demo_for_the_module(django_db_blocker, TODAY) as logins:
        yield logins


def _links(page: str) -> list[str]:
    import re

    return re.findall(r'href="(/[^"]*)"', page)


def _text_of(response) -> tuple[str, str]:
    """(kind, words) of a response: an HTML page, a PDF's text, a CSV."""
    kind = response.get("Content-Type", "")
    if "pdf" in kind:
        # An uploaded document (a gateway document) is streamed from storage.
        body = b"".join(response.streaming_content) if response.streaming else response.content
        reader = PdfReader(io.BytesIO(body))
        return "PDF", "\n".join(page.extract_text() or "" for page in reader.pages)
    if "csv" in kind:  # a list's download is streamed (openepa.core.exports)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return "CSV", body.decode("utf-8-sig")
    if "html" in kind:
        return "page", visible_text(response.content.decode())
    return "", ""


def walk(client: Client) -> tuple[dict[str, list[str]], int]:
    """Every address reachable from the home page by links; the leaks found on each."""
    seen = {"/"}
    queue = deque(["/"])
    found: dict[str, list[str]] = {}
    while queue and len(seen) <= MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200:
            continue
        kind, words = _text_of(response)
        if problems := leaks(words):
            found[f"{kind} {url}"] = problems
        if kind != "page":
            continue
        for link in _links(response.content.decode()):
            link = urldefrag(link.replace("&amp;", "&"))[0]
            if link not in seen and not link.startswith(SKIP) and urlsplit(link).path:
                seen.add(link)
                queue.append(link)
    return found, len(seen)


def walk_as(client: Client, logins: list[DemoLogin]) -> None:
    """Walk the demo as each of these sign-ins; fails listing every leak found."""
    report = []
    walked = {}
    for login in logins:
        user = User.objects.get(email=login.email)
        client.force_login(user)
        found, count = walk(client)
        walked[login.email] = count
        client.logout()
        for where, problems in found.items():
            report += [f"{login.role} ({login.email}) — {where}: {p}" for p in problems]
    assert all(count > 1 for count in walked.values()), walked
    assert not report, f"{len(report)} leaks:\n" + "\n".join(report)


@pytest.mark.django_db(transaction=False)
def test_every_page_pdf_and_csv_speaks_plainly_to_the_apprentice(demo, client):
    """`make test`'s sample of the sweep below: the apprentice's pages and documents."""
    apprentice = [login for login in demo if login.email == demo_email(APPRENTICE_LOCAL)]
    assert len(apprentice) == 1
    walk_as(client, apprentice)


@pytest.mark.sweep
@pytest.mark.django_db(transaction=False)
def test_every_page_pdf_and_csv_speaks_plainly_to_every_role(demo, client):
    walk_as(client, demo)


@pytest.mark.django_db(transaction=False)
def test_every_email_the_demo_history_would_send_speaks_plainly(demo):
    report = []
    for event_id in JourneyEvent.objects.order_by("id").values_list("id", flat=True):
        for message in OutboxMessage.objects.filter(pk__in=compose.messages_for_event(event_id)):
            for part, words in (
                ("subject", message.subject),
                ("text", message.text_body),
                ("html", visible_text(message.html_body)),
            ):
                report += [
                    f"{message.kind} email ({part}) to {message.recipient}: {p}"
                    for p in leaks(words)
                ]
    assert OutboxMessage.objects.exists()
    assert not report, f"{len(report)} leaks:\n" + "\n".join(report)
