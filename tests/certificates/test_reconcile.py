"""The reconciliation page (issue 13): the worker asks the service (the stand-in) what it
holds for each apprentice OpenEPA sent records for; the page lists differences first, a
page at a time, in a fixed number of queries; only the EPAO's admins see it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openepa.certificates import reconcile, sending
from openepa.certificates.models import ServiceCheck, ServiceRecord
from tests.certificates.helpers import failed_observation, many_released, released, with_address
from tests.certificates.standin import StandIn

pytestmark = pytest.mark.django_db


def ago(days: int):
    return timezone.localdate() - timedelta(days=days)


def sent_all(world, deliver) -> None:
    with deliver():
        sending.do_queue_for_service(actor=world.admin, epao_id=world.epao.pk)


def test_differences_come_first_and_agreement_after(world, standin: StandIn, client, deliver):
    with_address(world.employer)
    results = many_released(world, 2, grade="pass")
    for result in results:
        apprentice = result.enrolment.apprentice
        standin.learn(apprentice.uln, apprentice.family_name)
    sent_all(world, deliver)
    assert {r.state for r in ServiceRecord.objects.all()} == {"accepted", "submitted"}
    # Someone changed the first apprentice's grade at the service by hand.
    first = results[0].enrolment.apprentice
    standin.held[(int(first.uln), "ST0072")].grade = "Merit"

    client.force_login(world.admin)
    with deliver():
        done = client.post(reverse("certificates:check"), {"epao": world.epao.pk}, follow=True)
    assert "runs in the background" in done.content.decode()
    assert ServiceCheck.objects.count() == 2
    gets = [c.path for c in standin.calls if c.method == "GET"]
    assert len(gets) == 2
    assert all(p.startswith("/api/v1/certificate/") for p in gets)
    html = client.get(reverse("certificates:reconcile")).content.decode()
    assert "The grade differs: OpenEPA sent Pass, the service holds Merit." in html
    assert html.index(first.family_name) < html.index("Agrees")


def test_a_fail_is_expected_to_have_no_certificate(world, standin, deliver):
    with_address(world.employer)
    apprentice = world.enrolment.apprentice
    standin.learn(apprentice.uln, apprentice.family_name)
    failed_observation(world, world.enrolment, start=ago(30))
    sent_all(world, deliver)
    assert reconcile.check_all(world.epao.pk) == 1
    check = ServiceCheck.objects.get()
    assert check.held["error"].startswith("Cannot find certificate")
    assert (check.differs, check.differences) == (False, [])


def test_a_certificate_the_service_lost_is_a_difference(world, standin, deliver):
    with_address(world.employer)
    apprentice = world.enrolment.apprentice
    standin.learn(apprentice.uln, apprentice.family_name)
    released(world, world.enrolment, "pass", start=ago(30))
    sent_all(world, deliver)
    standin.held.clear()
    reconcile.check_all(world.epao.pk)
    [difference] = ServiceCheck.objects.get().differences
    assert "was accepted, but the service holds no certificate now" in difference


def test_only_the_epaos_admins_see_the_page(world, client):
    for name, user in world.personas().items():
        if user is None or name == "admin":
            continue
        client.force_login(user)
        expected = 200 if name == "outsider_admin" else 404
        assert client.get(reverse("certificates:reconcile")).status_code == expected, name
    client.force_login(world.outsider_admin)
    response = client.post(reverse("certificates:check"), {"epao": world.epao.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("rows", [1, 50])
def test_the_page_needs_the_same_queries_for_1_and_50_rows(
    world, client, django_assert_max_num_queries, rows
):
    for result in many_released(world, rows):
        ServiceCheck.objects.create(
            epao=world.epao,
            enrolment=result.enrolment,
            checked_at=timezone.now(),
            differs=result.pk % 2 == 0,
            differences=["The grade differs"] if result.pk % 2 == 0 else [],
        )
    client.force_login(world.admin)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("certificates:reconcile"))
    assert response.status_code == 200
    assert response.content.decode().count('<tr class="govuk-table__row">') == min(rows, 25) + 1
