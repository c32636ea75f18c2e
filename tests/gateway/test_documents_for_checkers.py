"""Those who check a decision see the apprentice's gateway documents and open each through
the access-checked download: the IQA on a sampled decision, the admin amending a sheet, an
enquiry's reviewer and an appeal panel member on the case. The apprentice, an assessor who
checks nothing and outsiders get no link and a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from openepa.cases.models import Case
from openepa.gateway.models import GatewayItem
from openepa.results.models import OverallResult
from tests.gateway.through_pages import PDF, prepare, review_all, version
from tests.quality.helpers import sampled

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(client, world):
    """The world's gateway prepared, reviewed and accepted through the pages."""
    assert prepare(client, world).status_code == 302
    review_all(client, world)
    accept = client.post(
        f"/gateway/enrolments/{world.enrolment.pk}/accept/", {"version": version(world)}
    )
    assert accept.status_code == 302
    return GatewayItem.objects.get(kind="document")


@pytest.fixture
def case(world):
    result = OverallResult.objects.create(
        enrolment=world.enrolment,
        grade="pass",
        methods={},
        last_component_on=timezone.localdate(),
        released_at=timezone.now(),
        released_by=world.admin,
    )
    return Case.objects.create(
        enrolment=world.enrolment,
        kind="appeal",
        result=result,
        raised_by=world.apprentice_user,
        raised_on=timezone.localdate(),
        grounds="Grounds",
    )


def download(client, user, document) -> int:
    client.force_login(user)
    response = client.get(reverse("gateway:document", args=[document.pk]))
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == PDF
    status: int = response.status_code
    return status


def shows(client, user, address, document) -> bool:
    client.force_login(user)
    response = client.get(address)
    assert response.status_code == 200
    html = response.content.decode()
    link = reverse("gateway:document", args=[document.pk])
    assert ("Gateway documents" in html) == (link in html)
    return link in html


def test_the_iqa_sees_and_opens_the_gateway_documents_on_the_sample(
    client, world, accepted, monkeypatch
):
    sample = sampled(world, monkeypatch)
    assert shows(client, world.iqa, f"/iqa/sample/{sample.pk}/", accepted)
    assert download(client, world.iqa, accepted) == 200
    # The admin following the sample sees them too, and on the amendment page.
    assert shows(client, world.admin, f"/iqa/sample/{sample.pk}/", accepted)
    amend = reverse("assessments:amend", args=[sample.attempt_id])
    assert shows(client, world.admin, amend, accepted)
    html = client.get(amend).content.decode()
    assert "Gateway meeting record" in html
    assert "From the gateway accepted on" in html


def test_the_reviewer_and_panel_of_a_case_open_them_and_no_one_else(client, world, accepted, case):
    address = reverse("cases:case", args=[case.pk])
    assert shows(client, world.admin, address, accepted)
    # The apprentice follows the appeal but the gateway is not theirs to open.
    assert not shows(client, world.apprentice_user, address, accepted)
    assert download(client, world.apprentice_user, accepted) == 404
    # Assessors of the EPAO open them only as the case's reviewer or a panel member.
    assert download(client, world.second_assessor, accepted) == 404
    assert download(client, world.assessor, accepted) == 404
    Case.objects.filter(pk=case.pk).update(reviewer=world.second_assessor)
    assert download(client, world.second_assessor, accepted) == 200
    case.panel.add(world.assessor)
    assert download(client, world.assessor, accepted) == 200
    for outsider in ("outsider_admin", "outsider_employer", "outsider_provider"):
        assert download(client, world.personas()[outsider], accepted) == 404


def test_the_include_counts_earlier_versions_and_its_queries_do_not_grow(
    client, world, accepted, monkeypatch, django_assert_max_num_queries
):
    sample = sampled(world, monkeypatch)
    client.force_login(world.iqa)
    address = f"/iqa/sample/{sample.pk}/"
    client.get(address)
    with django_assert_max_num_queries(60) as baseline:
        client.get(address)
    before = len(baseline.captured_queries)
    # More documents in the gateway: the same number of queries.
    submission = accepted.submission
    extra = [
        GatewayItem.objects.create(
            enrolment=world.enrolment,
            task="gateway_meeting_record",
            kind="document",
            number=n,
            created_by=world.provider_user,
            title=f"Page {n}",
            original_name=f"page{n}.pdf",
            stored_name=f"zz/page{n}.pdf",
            content_type="application/pdf",
            size=10,
            submission=submission,
        ).pk
        for n in range(2, 12)
    ]
    submission.task_items["gateway_meeting_record"] += extra
    submission.save(update_fields=["task_items"])
    with django_assert_max_num_queries(before):
        html = client.get(address).content.decode()
    assert html.count("/gateway/documents/") == 11


def test_the_reviewer_and_panel_read_the_case_page_but_only_admins_act_on_it(
    client, world, accepted, case
):
    address = reverse("cases:case", args=[case.pk])
    client.force_login(world.second_assessor)
    assert client.get(address).status_code == 404  # not on the case yet
    Case.objects.filter(pk=case.pk).update(reviewer=world.second_assessor)
    case.panel.add(world.assessor)
    actions = [reverse(f"cases:{name}", args=[case.pk]) for name in ("review", "decide", "close")]
    client.force_login(world.admin)
    admin_page = client.get(address).content.decode()
    assert any(f'action="{url}"' in admin_page for url in actions)  # the admin acts here
    for member in (world.second_assessor, world.assessor):
        assert shows(client, member, address, accepted)
        html = client.get(address).content.decode()
        assert not any(f'action="{url}"' in html for url in actions)
        refused = client.post(reverse("cases:review", args=[case.pk]), {"version": 1})
        assert refused.status_code == 404
    case.panel.remove(world.assessor)
    client.force_login(world.assessor)
    assert client.get(address).status_code == 404  # off the panel, off the page
