"""The gateway task list, its details form and the review show only the rules of the EPAO's
own policy, each named in words with the published document it comes from (issue 11 §2)."""

from __future__ import annotations

import pytest

from tests.gateway.through_pages import prepare
from tests.personas import build_world
from tests.plain_words import leaks, visible_text

pytestmark = pytest.mark.django_db


def form_of(client, world) -> str:
    """The task list and the details task's form, as the provider reads them."""
    client.force_login(world.provider_user)
    text = []
    for page in ("submit/", "tasks/details/"):
        response = client.get(f"/gateway/enrolments/{world.enrolment.pk}/{page}")
        assert response.status_code == 200
        text.append(visible_text(response.content.decode()))
    return "\n".join(text)


def test_an_nqual_epaos_form_asks_only_what_nqual_asks(client):
    page = form_of(client, build_world("nqual"))
    assert "Highfield" not in page
    assert "Showcase format" not in page  # Highfield's choice at gateway
    assert "Level 2 English has been attempted" not in page  # Gateway Qualifications' rule
    assert "Apprentice showcase" in page  # NQual: the showcase is gateway evidence
    assert "Gateway meeting record" not in page
    assert "British Sign Language qualification" in page  # NQual allows BSL for English
    assert not leaks(page)


def test_a_highfield_epaos_form_names_its_rule_and_source(client, world):
    page = form_of(client, world)
    assert (
        "Highfield Assessment asks for the choice of report or presentation at gateway "
        "(Highfield EPA kit — Gateway)." in page
    )
    assert "Apprentice showcase" not in page
    assert "British Sign Language" not in page  # Highfield is silent on BSL
    assert not leaks(page)


def test_the_review_names_each_requirement_and_its_published_source(
    client, world, settings, tmp_path
):
    settings.OPENEPA_UPLOAD_ROOT = tmp_path
    assert prepare(client, world).status_code == 302
    client.force_login(world.admin)
    page = visible_text(client.get(f"/gateway/enrolments/{world.enrolment.pk}/").content.decode())
    assert "Days on programme" in page
    assert "Employer sign-off that the apprentice is ready for EPA" in page
    assert "Highfield EPA kit — Gateway" in page
    assert "12 months: Institute for Apprenticeships and Technical Education" in page
    assert "EPA gateway meeting record" in page  # the evidence supplied, in words
    assert not leaks(page)
