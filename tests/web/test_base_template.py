"""Every page's frame: GOV.UK Frontend under OpenEPA's own brand, no inline script or style,
the service navigation, messages as notification banners."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db


def test_a_visitor_gets_the_brand_without_crown_or_inline_code(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert '<main class="govuk-main-wrapper" id="main-content"' in html
    assert '<a class="app-header__name" href="/">OpenEPA</a>' in html
    assert 'href="/static/web/openepa.css"' in html
    assert '<script type="module" src="/static/web/openepa.js"></script>' in html
    # Not a government service: no crown, no GOV.UK logotype, no crest, no licence.
    for government in ("crown", "govuk-header", "GOV.UK", "Open Government Licence"):
        assert government not in html
    # The Content-Security-Policy allows no inline script or style.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "style=" not in html
    assert "govuk-service-navigation" not in html  # nothing to navigate before signing in


def test_a_signed_in_person_gets_the_service_navigation_with_its_menu_button(client, world):
    client.force_login(world.admin)
    html = client.get("/").content.decode()
    nav = re.search(
        r'<section aria-label="Service navigation" class="govuk-service-navigation" '
        r'data-module="govuk-service-navigation">(.*?)</section>',
        html,
        re.S,
    )
    assert nav is not None
    # The Menu button shows only when GOV.UK Frontend's script runs; without it the list
    # of links is plain and visible.
    assert 'aria-controls="main-navigation" hidden aria-hidden="true">Menu</button>' in nav[1]
    assert '<ul class="govuk-service-navigation__list" id="main-navigation">' in nav[1]
    assert 'aria-current="page">Home</a>' in nav[1]
    assert '<div class="app-header-extras">' in nav[1]  # the staff search and notices go here
    assert f"Signed in as {world.admin.email}" in html


def test_messages_are_notification_banners():
    messages = [
        Message(constants.SUCCESS, "Gateway accepted."),
        Message(constants.ERROR, "The record changed: reload it."),
    ]
    html = render_to_string("components/messages.html", {"messages": messages})
    assert (
        'class="govuk-notification-banner govuk-notification-banner--success" role="status"' in html
    )
    assert ">Success</h2>" in html
    assert '<p class="govuk-notification-banner__heading">Gateway accepted.</p>' in html
    # An error is announced at once.
    assert 'class="govuk-notification-banner" role="alert"' in html
    assert ">Important</h2>" in html
