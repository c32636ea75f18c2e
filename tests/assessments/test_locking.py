"""Two people (or one person on two devices) editing the same sheet never silently
overwrite each other: the second save is refused with a clear message."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from openepa.assessments.models import Attempt
from tests.assessments.helpers import book, form_data, open_sheet, sheet_url, text

pytestmark = pytest.mark.django_db


def test_a_stale_save_is_refused_and_overwrites_nothing(world):
    booking = book(world, "showcase")
    tablet, laptop = Client(), Client()
    tablet.force_login(world.assessor)
    laptop.force_login(world.assessor)
    attempt = open_sheet(tablet, booking)
    opened_on_laptop = form_data(attempt, {"K2.1": "not_met"}, default="")
    opened_on_tablet = form_data(attempt, {"K2.1": "met"}, default="")

    assert tablet.post(sheet_url(booking), opened_on_tablet).status_code == 302
    response = laptop.post(sheet_url(booking), opened_on_laptop)
    html = text(response)
    assert (
        "This marking sheet was changed by someone else (you, in another tab or on another device, at"
        in html
    )
    assert (
        "since you opened it. Your changes were not saved: reload to see the latest version."
        in html
    )
    attempt.refresh_from_db()
    assert attempt.version == 2
    assert attempt.judgements.get(criterion_code="K2.1").outcome == "met"
    # The refused page keeps what was typed, so nothing is lost from the screen either.
    chosen = re.search(r'<input type="radio"[^>]*id="id_outcome_K2_1_1"[^>]*>', html)
    assert chosen is not None
    assert 'value="not_met"' in chosen.group(0)
    assert " checked" in chosen.group(0)


def test_the_conflict_message_names_who_changed_the_sheet(world):
    booking = book(world, "showcase")
    client = Client()
    client.force_login(world.assessor)
    attempt = open_sheet(client, booking)
    stale = form_data(attempt, default="")
    # Someone else saved in between (e.g. the booking was reallocated mid-edit).
    Attempt.objects.filter(pk=attempt.pk).update(
        version=5, updated_by=world.second_assessor, updated_at=timezone.now()
    )
    html = text(client.post(sheet_url(booking), stale))
    assert "changed by someone else (Sue Assessor, at" in html


def test_a_stale_submit_is_refused(world):
    booking = book(world, "showcase")
    client = Client()
    client.force_login(world.assessor)
    attempt = open_sheet(client, booking)
    stale = form_data(attempt, intent="submit")
    client.post(sheet_url(booking), form_data(attempt, default=""))
    html = text(client.post(sheet_url(booking), stale))
    assert "Your changes were not saved: reload to see the latest version." in html
    assert Attempt.objects.get(pk=attempt.pk).status == "draft"
