"""Home-page sections for gateway, and that their query counts do not grow with rows."""

from __future__ import annotations

import pytest

from openepa.enrolments.models import Enrolment
from tests.personas import register

pytestmark = pytest.mark.django_db


def _more(world, n, state):
    for i in range(n - 1):
        register(
            world.provider_user,
            epao=world.epao,
            employer=world.employer,
            provider=world.provider,
            given=f"Apprentice{i}",
            family="Smith",
        )
    Enrolment.objects.filter(epao=world.epao).update(state=state)


def test_the_admin_sees_submissions_awaiting_review(client, world):
    Enrolment.objects.filter(pk=world.enrolment.pk).update(state="gateway_submitted")
    client.force_login(world.admin)
    html = client.get("/").content.decode()
    assert "Gateway submissions awaiting review" in html
    assert f"/gateway/enrolments/{world.enrolment.pk}/" in html


def test_the_provider_sees_who_can_submit_and_who_was_rejected(client, world):
    client.force_login(world.provider_user)
    html = client.get("/").content.decode()
    assert "Apprentices waiting for you" in html
    assert f"/gateway/enrolments/{world.enrolment.pk}/submit/" in html
    Enrolment.objects.filter(pk=world.enrolment.pk).update(state="gateway_submitted")
    html = client.get("/").content.decode()
    assert f"/gateway/enrolments/{world.enrolment.pk}/submit/" not in html
    Enrolment.objects.filter(pk=world.enrolment.pk).update(state="gateway_rejected")
    assert f"/gateway/enrolments/{world.enrolment.pk}/submit/" in client.get("/").content.decode()


def test_outsiders_see_none_of_it(client, world):
    Enrolment.objects.filter(pk=world.enrolment.pk).update(state="gateway_submitted")
    for persona in (world.outsider_admin, world.outsider_provider, world.outsider_employer):
        client.force_login(persona)
        assert f"/gateway/enrolments/{world.enrolment.pk}/" not in client.get("/").content.decode()


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize(
    ("persona", "state"),
    [("admin", "gateway_submitted"), ("provider", "registered"), ("employer", "gateway_rejected")],
)
def test_dashboard_query_count_does_not_grow(
    client, world, django_assert_max_num_queries, rows, persona, state
):
    _more(world, rows, state)
    client.force_login(world.personas()[persona])
    # Every context's home-page sections, figures and charts (issue 17): a fixed number,
    # the same at 1 and 50 rows.
    with django_assert_max_num_queries(34):
        page = client.get("/")
    assert page.status_code == 200
    # Every role sees the first ten on the home page, then a link to them all.
    shown = min(rows, 10)
    assert page.content.decode().count("Lovelace") + page.content.decode().count("Smith") >= shown
