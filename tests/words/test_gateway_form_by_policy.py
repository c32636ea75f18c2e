"""The gateway form and review show only the rules of the EPAO's own policy, each named in
words with the published document it comes from (issue 11 §2)."""

from __future__ import annotations

import pytest

from tests.personas import build_world
from tests.plain_words import leaks, visible_text

pytestmark = pytest.mark.django_db


def form_of(client, world) -> str:
    client.force_login(world.provider_user)
    response = client.get(f"/gateway/enrolments/{world.enrolment.pk}/submit/")
    assert response.status_code == 200
    return visible_text(response.content.decode())


def test_an_nqual_epaos_form_asks_only_what_nqual_asks(client):
    page = form_of(client, build_world("nqual"))
    assert "Highfield" not in page
    assert "Showcase format" not in page  # Highfield's choice at gateway
    assert "Level 2 English has been attempted" not in page  # Gateway Qualifications' rule
    assert "The apprentice showcase" in page  # NQual: the showcase is gateway evidence
    assert "EPA gateway meeting record" not in page
    assert "British Sign Language qualification" in page  # NQual allows BSL for English
    assert not leaks(page)


def test_a_highfield_epaos_form_names_its_rule_and_source(client, world):
    page = form_of(client, world)
    assert (
        "Highfield Assessment asks for the choice of report or presentation at gateway "
        "(Highfield EPA kit — Gateway)." in page
    )
    assert "The apprentice showcase" not in page
    assert "British Sign Language" not in page  # Highfield is silent on BSL
    assert not leaks(page)


def test_the_review_names_each_requirement_and_its_published_source(client, world, evidence):
    client.force_login(world.provider_user)
    posted = client.post(
        f"/gateway/enrolments/{world.enrolment.pk}/submit/",
        evidence(world, evidence=["gateway_meeting_record"]),
    )
    assert posted.status_code == 302
    client.force_login(world.admin)
    page = visible_text(client.get(f"/gateway/enrolments/{world.enrolment.pk}/").content.decode())
    assert "Days on programme" in page
    assert "Employer sign-off that the apprentice is ready for EPA" in page
    assert "Highfield EPA kit — Gateway" in page
    assert "12 months: Institute for Apprenticeships and Technical Education" in page
    assert "EPA gateway meeting record" in page  # the evidence supplied, in words
    assert not leaks(page)
