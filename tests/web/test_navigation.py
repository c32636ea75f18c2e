"""Each role's main navigation links to the lists it works from, and nothing else."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def nav_labels(client, user) -> list[str]:
    client.force_login(user)
    html = client.get("/").content.decode()
    nav = re.search(r'<nav aria-label="Main"[^>]*>(.*?)</nav>', html, re.S)
    assert nav is not None
    links = re.findall(r'<a [^>]*href="[^"]+"[^>]*>(.*?)</a>', nav.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", link).strip() for link in links]


def test_assessor_navigation(client, world):
    labels = nav_labels(client, world.assessor)
    assert "My bookings" in labels
    assert "Conflicts of interest" in labels
    assert "Register an apprentice" not in labels


def test_employer_navigation(client, world):
    labels = nav_labels(client, world.employer_user)
    assert "My bookings" not in labels
    assert "Register an apprentice" not in labels
