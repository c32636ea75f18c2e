"""The IQA's home page shows their queue (how many samples wait and since when) and an
"IQA queue" link; the EPAO admin's shows the samples not signed off yet."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from tests.quality.helpers import sampled, text

pytestmark = pytest.mark.django_db


def nav_labels(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Main"[^>]*>(.*?)</nav>', html, re.S)
    assert nav is not None
    return re.findall(r'<a [^>]*href="[^"]+"[^>]*>(?:<strong[^>]*>)?([^<]+)<', nav.group(1))


def test_the_iqa_home_page_shows_the_queue(client, world, monkeypatch):
    client.force_login(world.iqa)
    empty = text(client.get("/"))
    assert "IQA queue" in nav_labels(empty)
    assert "No samples are waiting for review." in empty

    sample = sampled(world, monkeypatch)
    client.force_login(world.iqa)
    html = text(client.get("/"))
    assert f"1 sample waiting; the oldest since {sample.sampled_at:%-d %B %Y}." in html
    assert f'href="/iqa/sample/{sample.pk}/"' in html


def test_only_iqas_get_the_queue_link_and_section(client, world, monkeypatch):
    sampled(world, monkeypatch)
    for user in (world.assessor, world.employer_user, world.admin):
        client.force_login(user)
        html = text(client.get("/"))
        assert "IQA queue" not in nav_labels(html)
        assert "samples waiting" not in html


def test_the_admin_home_page_lists_open_samples(client, world, monkeypatch):
    client.force_login(world.admin)
    assert "Every sampled decision is signed off." in text(client.get("/"))
    sample = sampled(world, monkeypatch)
    # The sample was drawn by another's work: the admin sees it once their EPAO's part of
    # the page is counted again, as here when what was kept is gone
    # (tests/web/test_home_kept.py).
    cache.clear()
    client.force_login(world.admin)
    html = text(client.get("/"))
    assert "IQA samples awaiting sign-off" in html
    assert f'href="/iqa/sample/{sample.pk}/"' in html
    assert "Does not hold the results" in html  # Highfield does not hold results (seed 002)
