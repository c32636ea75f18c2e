"""Assessor profiles through the pages: the EPAO admin records and edits them, the assessor
sees their own and keeps their availability, nobody else sees them."""

from __future__ import annotations

from html import unescape

import pytest

from openepa.accounts.models import Membership, Role
from openepa.assessors.models import AssessorProfile, Availability, ProfileEvent
from tests.personas import person

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


PROFILE = {
    "competence_years": 4,
    "qualification": "held",
    "qualification_name": "Level 3 Certificate in Assessing Vocational Achievement",
    "qualification_achieved_on": "2021-05-01",
    "regions": ["london", "south_east"],
    "remote_capable": "on",
}


def test_the_admin_lists_assessors_with_their_compliance(client, world, ian):
    newcomer = person("nia@northern.example", "Nia Newcomer", world.epao, Role.ASSESSOR)
    client.force_login(world.admin)
    html = text(client.get("/assessors/"))
    assert "Ian Assessor" in html
    assert "Sue Assessor" in html
    assert "5 years" in html
    assert "Held" in html
    assert "North East" in html
    assert "Can be allocated" in html
    assert "Nia Newcomer" in html
    assert "No assessor profile" in html
    assert f"?membership={Membership.objects.get(user=newcomer).pk}" in html
    assert "Oona Outsider" not in html


def test_the_admin_records_a_profile(client, world):
    newcomer = person("nia@northern.example", "Nia Newcomer", world.epao, Role.ASSESSOR)
    membership = Membership.objects.get(user=newcomer)
    client.force_login(world.admin)
    response = client.post("/assessors/new/", {"membership": membership.pk, **PROFILE})
    profile = AssessorProfile.objects.get(user=newcomer)
    assert response["Location"] == f"/assessors/{profile.pk}/"
    assert profile.regions == ["london", "south_east"]
    assert profile.remote_capable
    html = text(client.get(f"/assessors/{profile.pk}/"))
    assert "4 years" in html
    assert "London, South East" in html
    # No standardisation yet: the profile says why they cannot be allocated.
    assert "Nia Newcomer cannot be allocated: has attended no standardisation event" in html
    assert ProfileEvent.objects.filter(profile=profile, action="create_profile").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"qualification_achieved_on": ""},
            "Give the date the assessor qualification was achieved.",
        ),
        (
            {"qualification": "working_towards"},
            "Give the date the assessor qualification is expected.",
        ),
        ({"qualification_name": ""}, "Name the qualification"),
        (
            {"qualification_achieved_on": "2099-01-01"},
            "The date the qualification was achieved cannot be in the future.",
        ),
    ],
)
def test_profile_refusals(client, world, ian, changes, message):
    client.force_login(world.admin)
    page = client.post(f"/assessors/{ian.pk}/edit/", {**PROFILE, "version": ian.version, **changes})
    assert page.status_code == 200
    assert message in text(page)


def test_the_admin_edits_a_profile_and_a_stale_form_is_refused(client, world, ian):
    client.force_login(world.admin)
    form = {**PROFILE, "version": ian.version, "competence_years": 1}
    assert client.post(f"/assessors/{ian.pk}/edit/", form).status_code == 302
    ian.refresh_from_db()
    assert ian.competence_years == 1
    html = text(client.get(f"/assessors/{ian.pk}/"))
    assert (
        "fewer than the 2 years the assessment plan requires (ST0072 assessment plan (IfATE) — §6)"
        in html
    )
    stale = client.post(f"/assessors/{ian.pk}/edit/", form)
    assert "This profile was changed by someone else" in text(stale)


def test_the_assessor_sees_their_profile_and_cannot_edit_competence(client, world, ian):
    client.force_login(world.assessor)
    assert client.get("/assessors/me/")["Location"] == f"/assessors/{ian.pk}/"
    html = text(client.get(f"/assessors/{ian.pk}/"))
    assert "Ian Assessor: assessor profile" in html
    assert "Edit the profile" not in html
    assert client.get(f"/assessors/{ian.pk}/edit/").status_code == 404
    response = client.post(f"/assessors/{ian.pk}/edit/", {**PROFILE, "competence_years": 30})
    assert response.status_code == 404
    ian.refresh_from_db()
    assert ian.competence_years == 5
    assert client.get("/assessors/").status_code == 404


def test_the_assessor_keeps_their_availability(client, world, ian):
    client.force_login(world.assessor)
    response = client.post(
        f"/assessors/{ian.pk}/availability/",
        {"starts_on": "2026-12-24", "ends_on": "2026-12-31", "available": "false", "note": "Leave"},
    )
    assert response.status_code == 302
    entry = Availability.objects.get(profile=ian)
    assert (entry.available, entry.note) == (False, "Leave")
    html = text(client.get(f"/assessors/{ian.pk}/"))
    assert "Thu 24 December 2026" in html
    assert "Unavailable" in html
    page = client.post(
        f"/assessors/{ian.pk}/availability/",
        {"starts_on": "2026-12-24", "ends_on": "2026-12-01", "available": "false"},
    )
    assert "The last day cannot be before the first day." in text(page)
    client.post(f"/assessors/availability/{entry.pk}/remove/")
    assert not Availability.objects.filter(profile=ian).exists()


def test_the_assessor_with_no_profile_is_told_so(client, world):
    newcomer = person("nia@northern.example", "Nia Newcomer", world.epao, Role.ASSESSOR)
    client.force_login(newcomer)
    html = text(client.get("/assessors/me/"))
    assert "Your EPAO has not recorded your assessor profile yet" in html


@pytest.mark.parametrize(
    "persona",
    [
        "second_assessor",
        "iqa",
        "employer",
        "provider",
        "apprentice",
        "outsider_admin",
        "outsider_assessor",
    ],
)
def test_nobody_else_sees_a_profile(client, world, ian, persona):
    client.force_login(world.personas()[persona])
    assert client.get(f"/assessors/{ian.pk}/").status_code == 404
    assert client.get(f"/assessors/{ian.pk}/edit/").status_code == 404
    response = client.post(
        f"/assessors/{ian.pk}/availability/",
        {"starts_on": "2026-12-24", "available": "false"},
    )
    assert response.status_code == 404
    assert not Availability.objects.exists()


def test_another_epaos_admin_gets_404_everywhere(client, world, ian):
    client.force_login(world.outsider_admin)
    assert "Ian Assessor" not in text(client.get("/assessors/"))
    membership = Membership.objects.get(user=world.assessor)
    page = client.post("/assessors/new/", {"membership": membership.pk, **PROFILE})
    assert page.status_code == 200  # the choice is not offered: a form error, nothing written
    assert AssessorProfile.objects.filter(user=world.assessor).count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, ian):
    assert client.get(f"/assessors/{ian.pk}/")["Location"].startswith("/accounts/login/")
    assert client.get("/assessors/")["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("rows", [1, 50])
def test_assessor_list_query_count(client, world, django_assert_max_num_queries, rows):
    for i in range(rows):
        person(f"a{i}@northern.example", f"Assessor {i:02}", world.epao, Role.ASSESSOR)
    client.force_login(world.admin)
    with django_assert_max_num_queries(10):
        page = client.get("/assessors/")
    assert text(page).count("Assessor ") >= rows


def test_navigation_by_role(client, world):
    import re

    def labels(user):
        client.force_login(user)
        html = client.get("/").content.decode()
        nav = re.search(r'<nav aria-label="Main"[^>]*>(.*?)</nav>', html, re.S)
        assert nav is not None
        links = re.findall(r"<a [^>]*>(.*?)</a>", nav.group(1), re.S)
        return [re.sub(r"<[^>]+>", "", link).strip() for link in links]

    assert {"Assessors", "Standardisation"} <= set(labels(world.admin))
    assert "My profile" in labels(world.assessor)
    assert "Assessors" not in labels(world.assessor)
    assert "Standardisation" in labels(world.iqa)
    assert not {"Assessors", "Standardisation", "My profile"} & set(labels(world.employer_user))


def test_the_list_flags_what_is_missing(client, world, ian):
    AssessorProfile.objects.filter(pk=ian.pk).update(competence_years=1, qualification="none")
    client.force_login(world.admin)
    html = text(client.get("/assessors/"))
    assert "Below 2 years" in html
    assert "Missing" in html
    assert "Ian Assessor cannot be allocated: 1 year of occupational competence recorded" in html
