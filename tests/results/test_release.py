"""Computing and releasing a result, through the result page, for every role that takes part
and for outsiders (seed 000 §3: the statement of results goes to the apprentice, employer
and provider; issue 3 §8)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from openepa.enrolments.models import JourneyEvent
from openepa.quality.models import IqaSample
from openepa.results.actions import do_compute_result
from openepa.results.models import OverallResult
from tests.results.builders import all_grades, assess, computed, requiring_iqa, use_policy

pytestmark = pytest.mark.django_db

PARTIES = ("apprentice", "employer", "provider")
OUTSIDERS = (
    "assessor",
    "second_assessor",
    "iqa",
    "outsider_admin",
    "outsider_employer",
    "outsider_provider",
    "outsider_assessor",
)


def get(client, user, result):
    client.force_login(user)
    return client.get(f"/results/{result.pk}/")


def release(client, world, result, *, version=None, user=None):
    client.force_login(user or world.admin)
    world.enrolment.refresh_from_db()
    return client.post(
        f"/results/{result.pk}/release/",
        {"version": world.enrolment.version if version is None else version},
        follow=True,
    )


def test_a_distinction_is_seen_by_the_parties_only_once_released(client, world):
    result = computed(
        world,
        all_grades("distinction"),
        feedback={"discussion": "Give more examples of handling complaints."},
    )
    assert result.grade == "distinction"
    assert not result.capped
    assert result.due_on is None  # Highfield states no results deadline (seed 002)
    personas = world.personas()

    for name in (*PARTIES, *OUTSIDERS):
        assert get(client, personas[name], result).status_code == 404, name
    admin_page = get(client, world.admin, result).content.decode()
    assert "Not released yet" in admin_page
    assert "Release results" in admin_page

    released = release(client, world, result)
    assert "Results released: Distinction." in released.content.decode()
    world.enrolment.refresh_from_db()
    assert world.enrolment.state == "results_issued"  # the certificate request comes later
    event = JourneyEvent.objects.get(enrolment=world.enrolment, action="release_results")
    assert event.data == {"result_id": result.pk, "grade": "distinction", "capped": False}
    assert event.actor == world.admin

    for name in PARTIES:
        html = get(client, personas[name], result).content.decode()
        assert "Distinction" in html, name
        assert "Released on" in html
        assert "Release results" not in html  # no admin forms for the parties
        assert "Give more examples of handling complaints." in html
        assert "Next step" not in html
    for name in OUTSIDERS:
        assert get(client, personas[name], result).status_code == 404, name
    client.logout()
    anonymous = client.get(f"/results/{result.pk}/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


def test_the_page_shows_each_method_with_its_attempt_and_reasons(client, world):
    result = computed(
        world, {"showcase": "distinction", "observation": "pass", "discussion": "distinction"}
    )
    html = get(client, world.admin, result).content.decode()
    for name in ("Apprentice showcase", "Practical observation", "Professional discussion"):
        assert name in html
    assert "First attempt (attempt 1)" in html
    assert "every method passed; not a distinction because observation achieved a pass" in html
    assert "The assessors gave no written feedback." in html
    assert "Highfield Assessment sets no deadline for issuing results" in html


def test_a_missing_result_is_the_same_404(client, world):
    client.force_login(world.admin)
    assert client.get("/results/999999/").status_code == 404


def test_parties_cannot_release(client, world):
    result = computed(world, all_grades("pass"))
    for user in (world.employer_user, world.outsider_admin):
        response = release(client, world, result, user=user)
        assert response.status_code == 404  # they cannot see an unreleased result at all
    assert OverallResult.objects.get(pk=result.pk).released_at is None


def test_releasing_twice_is_refused(client, world):
    result = computed(world, all_grades("pass"))
    release(client, world, result)
    again = release(client, world, result)
    assert "These results were already released on" in again.content.decode()


def test_a_stale_release_form_is_refused(client, world):
    result = computed(world, all_grades("pass"))
    world.enrolment.refresh_from_db()
    stale = release(client, world, result, version=world.enrolment.version - 1)
    assert "changed by someone else" in stale.content.decode()
    assert OverallResult.objects.get(pk=result.pk).released_at is None


def test_release_is_refused_while_the_policy_holds_results_for_iqa(client, world, monkeypatch):
    """Held while a sampled decision of the result is open (the IQA's review and sign-off
    are tested through their pages in tests/quality/test_release_hold.py)."""
    requiring_iqa(monkeypatch)
    result = computed(world, all_grades("pass"))
    showcase = IqaSample.objects.create(
        attempt_id=result.attempt_ids[0],
        reason="rate",
        explanation="picked at random for the 10% sample of decisions",
        draw=7,
    )
    page = get(client, world.admin, result).content.decode()
    assert "holds results until IQA sign-off; waiting for the apprentice showcase of" in page

    refused = release(client, world, result).content.decode()
    assert (
        "These results cannot be released yet: this EPAO&#x27;s policy holds results until "
        "IQA sign-off (Highfield Assessment), and internal quality assurance has not signed "
        "off the apprentice showcase of" in refused
    )
    assert OverallResult.objects.get(pk=result.pk).released_at is None
    world.enrolment.refresh_from_db()
    assert world.enrolment.state == "awaiting_results"

    IqaSample.objects.filter(pk=showcase.pk).update(
        state="signed_off", signed_off_at=timezone.now(), reviewer=world.iqa
    )
    assert "Results released: Pass." in release(client, world, result).content.decode()


def test_nqual_due_date_and_cap_after_a_resit(client, world):
    """NQual: results within 10 working days (seed 004); after a resit the EPA is capped at
    Pass (seed 004), and the page says so."""
    use_policy(world.enrolment, "nqual")
    first = computed(
        world, {"showcase": "distinction", "observation": "fail", "discussion": "distinction"}
    )
    assert first.due_on is not None
    release(client, world, first)
    assess(
        world.enrolment,
        {"observation": "distinction"},
        assessor=world.assessor,
        kind="resit",
        start=timezone.localdate(),
    )
    second = do_compute_result(enrolment_id=world.enrolment.pk, actor=world.assessor)
    assert second.pk != first.pk
    assert (second.grade, second.capped) == ("pass", True)
    html = get(client, world.admin, second).content.decode()
    assert "Resit (attempt 2)" in html
    assert "capped: NQual caps the EPA at Pass after a resit or retake" in html
    assert "capped at pass by the NQual policy because observation was resat or retaken" in html
    release(client, world, second)
    event = JourneyEvent.objects.filter(action="release_results").latest("id")
    assert event.data["capped"] is True
    assert event.data["grade"] == "pass"
