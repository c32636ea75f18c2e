"""Every other main page, as the role that works from it, in Chromium with axe (WCAG 2.2 A
and AA, target size included), the target-size and focus checks of Visitor.check: the
pages issues 4 and 5 added (outbox, certificates, CSV registration, evidence, cases, IQA,
assessors, standardisation, consistency report), on the demo EPAO's data.

Every page is a sweep (`make test-sweeps`); `make test` checks a sample of them."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from openepa.demo import DEMO_PASSWORD
from openepa.enrolments.models import Enrolment
from openepa.quality.models import IqaSample
from tests.seeded_demo import seed_small_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db: Any) -> Enrolment:
    seed_small_demo()
    return Enrolment.objects.order_by("id")[0]  # the released Distinction


def signed_in(visit: Any, who: str) -> Any:
    tab = visit(who)
    tab.goto("/accounts/login/")
    tab.page.get_by_label("Email address").fill(f"{who}@demo.openepa.test")
    tab.page.get_by_label("Password").fill(DEMO_PASSWORD)
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Sign in").click()
    expect(tab.page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    return tab


def test_a_sample_of_the_pages_pass_axe(visit: Any, demo: Enrolment) -> None:
    """`make test`'s sample of the sweep below: a list, a form and a page of each kind."""
    admin = signed_in(visit, "admin")
    admin.goto("/certificates/", "admin-certificates")
    expect(admin.page.get_by_role("heading", level=1)).to_be_visible()
    admin.goto(f"/cases/enrolment/{demo.pk}/", "admin-cases-of-apprentice")
    expect(admin.page.get_by_role("heading", level=1)).to_be_visible()
    provider = signed_in(visit, "provider")
    provider.goto("/enrolments/bulk", "provider-bulk-registration")


@pytest.mark.sweep
def test_the_pages_of_each_role_pass_axe(visit: Any, demo: Enrolment) -> None:
    admin = signed_in(visit, "admin")
    for path, label in (
        ("/", "home"),
        ("/enrolments/pipeline", "pipeline"),
        ("/results/", "results"),
        ("/certificates/", "certificates"),
        ("/notifications/outbox/", "outbox"),
        ("/cases/", "cases-queue"),
        (f"/cases/enrolment/{demo.pk}/", "cases-of-apprentice"),
        (f"/evidence/enrolments/{demo.pk}/", "evidence"),
        ("/enrolments/bulk", "bulk-registration"),
        ("/assessors/", "assessors"),
        ("/assessors/standardisation/", "standardisation"),
        ("/assessors/consistency/", "consistency-report"),
        ("/iqa/", "iqa-samples"),
    ):
        admin.goto(path, f"admin-{label}")
        expect(admin.page.get_by_role("heading", level=1)).to_be_visible()

    iqa = signed_in(visit, "iqa")
    iqa.goto("/iqa/", "iqa-queue")
    sample = IqaSample.objects.order_by("id").first()
    assert sample is not None  # the demo's first decisions are sampled (new assessors)
    iqa.goto(f"/iqa/sample/{sample.pk}/", "iqa-review")

    assessor = signed_in(visit, "assessor")
    assessor.goto("/assessors/me/", "assessor-profile")

    provider = signed_in(visit, "provider")
    provider.goto("/enrolments/bulk", "provider-bulk-registration")
    provider.goto(f"/cases/enrolment/{demo.pk}/", "provider-cases")
    provider.goto(f"/evidence/enrolments/{demo.pk}/", "provider-evidence")
