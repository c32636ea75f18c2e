"""The app serves its home page with the demo EPAO, the standard and the policies."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from openepa.reference.models import Criterion, Policy, StandardVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    call_command("load_reference_data", verbosity=0)
    call_command("seed_demo", apprentices=3, verbosity=0)


def test_loading_reference_data_is_idempotent(loaded):
    call_command("load_reference_data", verbosity=0)
    assert StandardVersion.objects.count() == 1
    assert Criterion.objects.count() == 75  # 40 showcase + 24 observation + 11 discussion
    assert set(Policy.objects.values_list("code", flat=True)) == {
        "gateway-qualifications",
        "highfield",
        "nqual",
    }


def test_home_shows_the_demo_epao_standard_and_policies(client, loaded):
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Demo EPAO" in html
    assert "ST0072 Customer Service Practitioner" in html
    assert "with 75 criteria" in html
    for name in ("Highfield Assessment", "NQual", "Gateway Qualifications"):
        assert name in html
    assert "3 months from the fail notification" in html  # Gateway Qualifications, seed 000 §4
    assert 'href="/accounts/login/"' in html


def test_home_before_loading_says_what_to_run(client):
    # Every test database holds the reference data (tests/conftest.py): as on a fresh
    # install, take it out first (this test's transaction is rolled back).
    StandardVersion.objects.all().delete()
    Policy.objects.all().delete()
    html = client.get("/").content.decode()
    assert "not loaded into the database yet" in html


def test_healthz(client):
    assert client.get("/healthz").json()["status"] == "ok"
