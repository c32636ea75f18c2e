"""The admin's home page says how many released results wait to be exported, in a fixed
number of queries; nobody else sees the section."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from openepa.certificates.actions import do_export_certificate_requests
from openepa.certificates.dashboard import sections
from tests.certificates.helpers import many_released, with_address

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def addressed(world):
    with_address(world.employer)


def render_sections(user) -> str:
    return "".join(render_to_string(s["template"], {"ctx": s["context"]}) for s in sections(user))


def test_the_admin_is_told_what_waits_and_where_to_export_it(client, world):
    many_released(world, 2)
    many_released(world, 1, grade="fail")
    client.force_login(world.admin)
    html = client.get("/").content.decode()
    assert "Certificates to request" in html
    assert "2 certificate requests and 3 EPA records are ready to export." in html
    assert '<a class="govuk-link" href="/certificates/">Export them from Certificates</a>' in html
    do_export_certificate_requests(actor=world.admin, epao_id=world.epao.pk)
    assert "Certificates to request" not in client.get("/").content.decode()


def test_nobody_else_sees_it(client, world):
    many_released(world, 1)
    for name, user in world.personas().items():
        if user is not None and name != "admin":
            assert sections(user) == [], name


@pytest.mark.parametrize("rows", [1, 50])
def test_the_section_needs_the_same_queries_for_1_and_50(
    world, rows, django_assert_max_num_queries
):
    many_released(world, rows)
    with django_assert_max_num_queries(3):  # roles (2) + the counts
        html = render_sections(world.admin)
    assert f"{rows} certificate request" in html
