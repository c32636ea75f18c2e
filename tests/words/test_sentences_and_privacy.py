"""Timelines read as sentences about what happened and who did it; the apprentice, the
employer and the provider never learn that a decision was sampled for internal quality
assurance, while the EPAO's admins do (issue 11 §2)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openepa.enrolments.models import JourneyEvent
from openepa.enrolments.sentences import SENTENCES, event_sentence
from tests.plain_words import leaks, visible_text
from tests.quality.helpers import PASS, submit_showcase, with_plan

pytestmark = pytest.mark.django_db


def timeline_of(client, user, enrolment) -> str:
    client.force_login(user)
    response = client.get(reverse("enrolments:detail", args=[enrolment.pk]))
    assert response.status_code == 200
    return visible_text(response.content.decode())


def test_the_timeline_says_what_happened_and_who_did_it(client, world):
    attempt = submit_showcase(world, PASS)
    page = timeline_of(client, world.admin, attempt.enrolment)
    name = attempt.enrolment.apprentice.name
    assessor = world.assessor.full_name
    assert f"{name} was registered on the standard by {world.provider_user.full_name}." in page
    assert f"{assessor} opened the apprentice showcase marking sheet." in page
    assert f"{assessor} submitted the apprentice showcase marking sheet." in page
    assert "Open marking sheet" not in page
    assert not leaks(page)


def test_parties_do_not_see_that_a_decision_was_sampled_admins_do(client, world, monkeypatch):
    with_plan(monkeypatch, first=5)
    attempt = submit_showcase(world, PASS)
    enrolment = attempt.enrolment
    assert JourneyEvent.objects.filter(enrolment=enrolment, action="iqa_sampled").exists()
    sampled = "sampled for internal quality assurance"
    assert sampled in timeline_of(client, world.admin, enrolment)
    for party in (world.employer_user, world.provider_user, world.apprentice_user):
        page = timeline_of(client, party, enrolment)
        assert "quality assurance" not in page, party.email
        assert "IQA" not in page, party.email
        assert f"{world.assessor.full_name} submitted" in page  # the rest of the story stays


def test_every_recorded_action_has_a_sentence_without_codes(world):
    event = JourneyEvent(enrolment=world.enrolment, actor=world.admin, action="", data={})
    for action in SENTENCES:
        event.action = action
        sentence = event_sentence(event, "Ada Lovelace")
        assert sentence.endswith("."), action
        assert not leaks(sentence), (action, sentence)
    event.action = "accept_gateway"
    assert event_sentence(event, "Ada Lovelace") == (
        f"Ada Lovelace's gateway was accepted by {world.admin.full_name}."
    )
    event.action = "something_new"
    assert not leaks(event_sentence(event, "Ada Lovelace"))
