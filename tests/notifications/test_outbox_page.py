"""The outbox page: an EPAO's admins see their own EPAO's emails (state, attempts, last
error); nobody else sees the page or a message, and the query count does not grow."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openepa.notifications.models import OutboxMessage
from tests.personas import register

pytestmark = pytest.mark.django_db


def message(enrolment, n: int = 0, **fields) -> OutboxMessage:
    values = {
        "kind": "gateway_rejected",
        "key": f"test:{enrolment.pk}:{n}",
        "recipient": f"person{n}@example.org",
        "subject": "Gateway not accepted",
        "text_body": "Dear Erin,\n\nReasons: no sign-off.",
        "html_body": "<p>Reasons</p>",
        "enrolment": enrolment,
        "epao_id": enrolment.epao_id,
        **fields,
    }
    return OutboxMessage.objects.create(**values)


def test_admins_see_their_epaos_emails_with_state_attempts_and_error(client, world):
    message(
        world.enrolment, 1, state="failed", attempts=5, last_error="SMTPAuthenticationError: 535"
    )
    message(world.enrolment, 2, state="sent", attempts=1)
    client.force_login(world.admin)
    page = client.get("/notifications/outbox/").content.decode()
    assert "Gateway rejected" in page
    assert "person1@example.org" in page
    assert "person2@example.org" in page
    assert "SMTPAuthenticationError: 535" in page
    assert ">Failed<" in page
    assert ">Sent<" in page
    only_failed = client.get("/notifications/outbox/?state=failed").content.decode()
    assert "person1@example.org" in only_failed
    assert "person2@example.org" not in only_failed


def test_another_epaos_admin_and_everyone_else_see_nothing(client, world):
    mine = message(world.enrolment, 1, state="failed")
    other_enrolment = register(
        world.outsider_admin,
        epao=world.other_epao,
        employer=world.other_employer,
        provider=world.other_provider,
        given="Otto",
        family="Other",
    )
    theirs = message(other_enrolment, 2)
    client.force_login(world.outsider_admin)
    page = client.get("/notifications/outbox/").content.decode()
    assert "person2@example.org" in page
    assert "person1@example.org" not in page
    assert client.get(f"/notifications/outbox/{mine.pk}/").status_code == 404
    assert client.post(f"/notifications/outbox/{mine.pk}/retry/").status_code == 404
    mine.refresh_from_db()
    assert mine.state == "failed"
    for persona in ("assessor", "iqa", "employer", "provider", "apprentice", "outsider_employer"):
        client.force_login(world.personas()[persona])
        assert client.get("/notifications/outbox/").status_code == 404, persona
        assert client.get(f"/notifications/outbox/{theirs.pk}/").status_code == 404, persona
        assert "Outbox" not in client.get("/").content.decode(), persona
    client.force_login(world.admin)
    assert 'href="/notifications/outbox/"' in client.get("/").content.decode()


@pytest.mark.parametrize("rows", [1, 50])
def test_the_outbox_query_count_does_not_grow_with_rows(
    client, world, rows, django_assert_max_num_queries
):
    for n in range(rows):
        message(world.enrolment, n, state="retrying", last_error="timeout")
    client.force_login(world.admin)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("notifications:outbox"))
    assert response.content.decode().count("person") == rows
