"""The EPAO admin's part of the home page (figures, charts and the lists under "What needs
you") is counted once for every admin of the same EPAOs and kept for
OPENEPA_HOME_FIGURES_SECONDS: a colleague's change shows once that time has passed, the
admin's own change at once; the user's own sections (an admin who also assesses) are always
read for the request; 0 keeps nothing; and no admin ever sees another EPAO's kept part."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openepa.accounts.models import Membership, Role
from openepa.bookings.models import Booking
from openepa.enrolments.models import Enrolment, JourneyEvent
from openepa.notifications.models import OutboxMessage
from openepa.quality.models import IqaSample
from tests.gateway.through_pages import base, prepare, review_all, version
from tests.personas import person
from tests.results.test_next_steps import failed_and_released
from tests.web.test_home_figures import figure, pile, signed_in

pytestmark = pytest.mark.django_db

AWAITING = "Gateway submissions awaiting review"
PLANNING = "Gateway accepted: planning meeting needed"
NOT_DELIVERED = "Emails not delivered"
#: The tables the admin's lists and figures read; a kept page reads none of them.
COUNTED_FROM = (
    "quality_iqasample",
    "enrolments_statecount",
    "results_overallresult",
    'accounts_membership"."id',  # the lapsing assessors (the roles read only role, org)
    "cases_case",
    "notifications_outboxmessage",
)


def shown(html: str) -> str:
    """The page from its figures to the end of its sections: what is kept, and the user's
    own parts (not the header's sign-out form, whose token is new for every request)."""
    return html[html.index('id="figures-title"') : html.index("</main>")]


def section(html: str, title: str) -> str:
    """The body of the section titled `title` ("" when the page has none)."""
    found = re.search(
        r'id="section-\d+">' + re.escape(title) + r"</h3>(.*?)</section>", html, re.DOTALL
    )
    return found.group(1) if found else ""


def _colleague_of(world) -> Client:
    return signed_in(
        person("colin@northern.example", "Colin Colleague", world.epao, Role.EPAO_ADMIN)
    )


def test_a_second_request_serves_the_kept_part_with_fewer_queries(world, settings):
    settings.OPENEPA_HOME_FIGURES_SECONDS = 60
    pile(world, 4)
    admin = signed_in(world.admin)
    with CaptureQueriesContext(connection) as first:
        counted = admin.get("/").content.decode()
    with CaptureQueriesContext(connection) as second:
        kept = admin.get("/").content.decode()
    assert shown(kept) == shown(counted)
    assert "Apprentice0003" in section(kept, "IQA samples awaiting sign-off")
    assert len(second) < len(first)
    read = " ".join(q["sql"] for q in second.captured_queries)
    for table in COUNTED_FROM:
        assert table in " ".join(q["sql"] for q in first.captured_queries), table
        assert table not in read, table


def test_a_colleagues_change_shows_once_the_time_has_passed(world, settings):
    settings.OPENEPA_HOME_FIGURES_SECONDS = 60
    pile(world, 3)
    admin = signed_in(world.admin)
    html = admin.get("/").content.decode()
    assert "Apprentice0002" in section(html, "IQA samples awaiting sign-off")
    assert "Apprentice0004" not in html
    pile(world, 2, start=3)  # written by someone else (no page of the admin's)
    html = admin.get("/").content.decode()
    assert "Apprentice0004" not in html  # as counted
    assert figure(html, "IQA samples not signed off")[0] == "3"
    html = _colleague_of(world).get("/").content.decode()
    assert "Apprentice0004" not in html  # the same kept part, for every admin of the EPAO
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        html = admin.get("/").content.decode()
    assert "Apprentice0004" in section(html, "IQA samples awaiting sign-off")
    assert figure(html, "IQA samples not signed off")[0] == "5"


def test_the_admins_own_change_through_a_page_shows_at_once(client, world, settings):
    """The admin accepts a gateway: their next home page is counted again and no longer
    lists it as awaiting review; a colleague who looks before them still sees it as kept."""
    settings.OPENEPA_HOME_FIGURES_SECONDS = 60
    assert prepare(client, world).status_code == 302  # the provider submits it
    link = base(world)
    admin = signed_in(world.admin)
    html = admin.get("/").content.decode()
    assert link in section(html, AWAITING)
    assert world.enrolment.apprentice.family_name not in section(html, PLANNING)
    review_all(admin, world)
    accepted = admin.post(f"{base(world)}accept/", {"version": version(world)})
    assert accepted.status_code == 302
    assert Enrolment.objects.get(pk=world.enrolment.pk).state == "gateway_accepted"

    html = _colleague_of(world).get("/").content.decode()
    assert link in section(html, AWAITING)  # kept: a colleague's change waits for the time
    html = admin.get("/").content.decode()
    assert link not in section(html, AWAITING)
    assert world.enrolment.apprentice.family_name in section(html, PLANNING)


def test_work_done_for_the_admin_by_a_worker_shows_at_once(world, settings):
    """A bulk upload or a planner's proposal is applied by the worker, not the admin's
    request: their journey events, recorded with the admin as actor, count as a change of
    theirs."""
    settings.OPENEPA_HOME_FIGURES_SECONDS = 60
    pile(world, 2)
    admin = signed_in(world.admin)
    assert figure(admin.get("/").content.decode(), "gateway reviews waiting")[0] == "1"
    Enrolment.objects.filter(pk=world.enrolment.pk).update(state="gateway_submitted")
    # Kept: nothing says the admin changed anything.
    assert figure(admin.get("/").content.decode(), "gateway reviews waiting")[0] == "1"
    JourneyEvent.objects.create(
        enrolment=world.enrolment, actor=world.admin, action="gateway_submit",
        from_state="registered", to_state="gateway_submitted",
    )  # fmt: skip
    html = admin.get("/").content.decode()
    assert figure(html, "gateway reviews waiting")[0] == "2"
    assert base(world) in section(html, AWAITING)


def test_an_admin_who_assesses_sees_their_own_sections_live_and_first(world, settings):
    settings.OPENEPA_HOME_FIGURES_SECONDS = 60
    pile(world, 2)
    Membership.objects.create(user=world.admin, organisation=world.epao, role=Role.ASSESSOR)
    admin = signed_in(world.admin)
    html = admin.get("/").content.decode()
    own = "Your upcoming assessments"
    assert "No assessments are allocated to you." in section(html, own)
    titles = re.findall(r'id="section-\d+">([^<]+)</h3>', html)
    assert titles.index(own) < titles.index(AWAITING)  # the user's own, then the EPAO's
    assert titles.index("Assessments to mark") < titles.index(AWAITING)
    Booking.objects.create(
        enrolment=world.enrolment, method="observation",
        starts_at=timezone.now() + timedelta(days=2), duration_minutes=60,
        assessor=world.admin, created_by=world.assessor,
    )  # fmt: skip
    html = admin.get("/").content.decode()
    assert "No assessments are allocated to you." not in section(html, own)  # live
    assert figure(html, "IQA samples not signed off")[0] == "2"  # kept
    # A colleague gets the EPAO's kept part and none of the admin's own.
    html = _colleague_of(world).get("/").content.decode()
    assert own not in html
    assert "Assessments to mark" not in html
    assert AWAITING in html


def test_without_keeping_every_list_is_read_for_each_request(world, settings):
    settings.OPENEPA_HOME_FIGURES_SECONDS = 0
    pile(world, 3)
    admin = signed_in(world.admin)
    html = admin.get("/").content.decode()
    assert "Apprentice0002" in section(html, "IQA samples awaiting sign-off")
    assert "counted again" not in html
    pile(world, 2, start=3)
    html = admin.get("/").content.decode()
    assert "Apprentice0004" in section(html, "IQA samples awaiting sign-off")
    IqaSample.objects.filter(attempt__enrolment__apprentice__family_name="Apprentice0004").delete()
    html = admin.get("/").content.decode()
    assert "Apprentice0004" not in section(html, "IQA samples awaiting sign-off")


def test_no_admin_sees_another_epaos_kept_part(world, settings):
    settings.OPENEPA_HOME_FIGURES_SECONDS = 60
    pile(world, 3)
    assert "Apprentice0002" in signed_in(world.admin).get("/").content.decode()
    html = signed_in(world.outsider_admin).get("/").content.decode()
    assert "Apprentice0002" not in html
    assert figure(html, "IQA samples not signed off")[0] == "0"
    # An admin of both EPAOs has a part of their own, counted for both.
    Membership.objects.create(
        user=world.outsider_admin, organisation=world.epao, role=Role.EPAO_ADMIN
    )
    html = signed_in(world.outsider_admin).get("/").content.decode()
    assert "Apprentice0002" in section(html, "IQA samples awaiting sign-off")
    assert figure(html, "IQA samples not signed off")[0] == "3"
    # Those of neither role see no part of it.
    for persona in (world.assessor, world.iqa, world.employer_user, world.provider_user):
        html = signed_in(persona).get("/").content.decode()
        assert "IQA samples awaiting sign-off" not in html
        assert "as of" not in html


def _failed_email(world) -> OutboxMessage:
    """An email to the employer that failed five times: listed under NOT_DELIVERED."""
    return OutboxMessage.objects.create(
        kind="gateway_rejected", key="test:failed", recipient="erin@harbour.example",
        subject="Gateway not accepted", text_body="Reasons", html_body="<p>Reasons</p>",
        enrolment=world.enrolment, epao_id=world.epao.pk, state="failed", attempts=5,
    )  # fmt: skip


def test_a_change_that_is_no_journey_event_shows_at_once_too(world, settings):
    """Sending a failed email again changes no apprentice's journey (no JourneyEvent): the
    admin's session notes the change, so their next home page is counted again; a
    colleague's, read before the minute passes, is not."""
    settings.OPENEPA_HOME_FIGURES_SECONDS = 60
    failed = _failed_email(world)
    admin = signed_in(world.admin)
    link = f"/notifications/outbox/{failed.pk}/"
    assert link in section(admin.get("/").content.decode(), NOT_DELIVERED)
    # Reading pages changes nothing: still kept.
    admin.get(link)
    OutboxMessage.objects.filter(pk=failed.pk).update(attempts=6)
    assert ">6</td>" not in section(admin.get("/").content.decode(), NOT_DELIVERED)
    assert admin.post(f"{link}retry/").status_code == 302
    assert not JourneyEvent.objects.filter(actor=world.admin).exists()
    assert link in section(_colleague_of(world).get("/").content.decode(), NOT_DELIVERED)
    assert NOT_DELIVERED not in admin.get("/").content.decode()  # counted again: none left


def test_a_post_that_changes_nothing_is_not_noted(world, settings):
    """Only a writing request answered with a redirect (an action done) notes a change: a
    form shown again with its errors, like the marking sheet's grade preview, changed
    nothing, so the admin's kept part stands."""
    settings.OPENEPA_HOME_FIGURES_SECONDS = 60
    failed = _failed_email(world)
    admin = signed_in(world.admin)
    assert ">5</td>" in section(admin.get("/").content.decode(), NOT_DELIVERED)
    OutboxMessage.objects.filter(pk=failed.pk).update(attempts=6)
    enrolments = Enrolment.objects.count()
    assert admin.post("/enrolments/register", {}).status_code == 200  # the form again
    assert Enrolment.objects.count() == enrolments
    assert ">6</td>" not in section(admin.get("/").content.decode(), NOT_DELIVERED)


def test_an_admin_with_other_roles_sees_each_section_title_once(client, world, settings):
    """An admin who is also the EPAO's IQA and an employer: a list of their own that has the
    same title as one of the EPAO's (the resits due of their own apprentices beside the
    EPAO's, their own IQA samples beside the EPAO's) says whose it is, so no two sections of
    the page share a title."""
    settings.OPENEPA_HOME_FIGURES_SECONDS = 60
    pile(world, 4)
    failed_and_released(client, world)  # a resit due for the employer's apprentice
    for role, org in ((Role.IQA, world.epao), (Role.EMPLOYER, world.enrolment.employer)):
        Membership.objects.create(user=world.admin, organisation=org, role=role)
    html = signed_in(world.admin).get("/").content.decode()
    titles = re.findall(r'id="section-\d+">([^<]+)</h3>', html)
    assert AWAITING in titles
    assert len(titles) == len(set(titles)), titles
    assert "Resits and retakes due" in titles  # the EPAO's
    assert (
        "Resits and retakes due (as internal quality assurer and employer)" in titles
    )  # the admin's own
