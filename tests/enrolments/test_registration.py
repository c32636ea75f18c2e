"""Registering an apprentice through /enrolments/register (issue 3 §3)."""

from __future__ import annotations

import pytest

from openepa.enrolments.models import Enrolment, JourneyEvent
from tests.forms import with_date_inputs
from tests.personas import next_uln

pytestmark = pytest.mark.django_db

URL = "/enrolments/register"


def form_data(world, **changes):
    data = {
        "uln": next_uln(),
        "given_name": "Grace",
        "family_name": "Hopper",
        "date_of_birth": "2006-12-09",
        "email": "grace@example.org",
        "employer": world.employer.pk,
        "provider": world.provider.pk,
        "epao": world.epao.pk,
        "start_date": "2025-02-03",
        "planned_end_date": "2026-03-31",
        "face_to_face": "on",
    }
    data.update(changes)
    return with_date_inputs(
        {k: v for k, v in data.items() if v is not None},
        "date_of_birth",
        "start_date",
        "planned_end_date",
        "original_start_date",
    )


def error_on(html: str, field: str, message: str) -> bool:
    """The message is shown on the field itself (tied to it by id), not only in the summary."""
    marker = f'id="id_{field}-error"'
    start = html.find(marker)
    return start != -1 and message in html[start : start + 400]


@pytest.mark.parametrize("persona", ["provider_user", "admin"])
def test_provider_or_admin_registers_and_lands_on_the_enrolment(signed_in, world, persona):
    client = signed_in(getattr(world, persona))
    data = form_data(world, non_facing="on", ehcp="on")
    page = client.post(URL, data, follow=True)
    enrolment = Enrolment.objects.get(apprentice__uln=data["uln"])
    assert page.redirect_chain[-1][0] == f"/enrolments/{enrolment.pk}/"
    html = page.content.decode()
    assert "Grace Hopper is registered on ST0072." in html
    assert enrolment.face_to_face
    assert enrolment.non_facing
    assert enrolment.ehcp
    assert enrolment.policy == world.epao.policy
    assert JourneyEvent.objects.filter(enrolment=enrolment, action="register").count() == 1


def test_the_form_names_the_only_standard_and_limits_the_choices(signed_in, world):
    html = signed_in(world.provider_user).get(URL).content.decode()
    assert "ST0072 Customer Service Practitioner" in html
    assert '<select name="standard"' not in html  # one standard: nothing to choose
    # A provider registers for their own provider only, with any EPAO.
    assert world.provider.name in html
    assert world.other_provider.name not in html
    assert world.epao.name in html
    assert world.other_epao.name in html
    # Every employer is offered: the employer is whoever employs the apprentice.
    assert world.employer.name in html
    assert world.other_employer.name in html


def test_an_admin_registers_for_their_own_epao_and_any_provider(signed_in, world):
    html = signed_in(world.admin).get(URL).content.decode()
    assert world.provider.name in html
    assert world.other_provider.name in html
    assert world.epao.name in html
    assert world.other_epao.name not in html


def test_a_provider_cannot_register_for_another_provider(signed_in, world):
    page = signed_in(world.provider_user).post(
        URL, form_data(world, provider=world.other_provider.pk)
    )
    assert page.status_code == 200
    assert error_on(page.content.decode(), "provider", "Select a valid choice")
    assert Enrolment.objects.count() == 1


@pytest.mark.parametrize(
    ("uln", "message"),
    [
        (
            "9276308687",
            "ULN is not valid: its last digit does not match the other nine; check the number",
        ),
        ("927630868", "ULN must be exactly 10 digits (this has 9)"),
        ("92763O8686", "ULN must contain digits only"),
    ],
)
def test_a_bad_uln_is_refused_naming_the_rule(signed_in, world, uln, message):
    page = signed_in(world.provider_user).post(URL, form_data(world, uln=uln))
    assert page.status_code == 200
    html = page.content.decode()
    assert "There is a problem" in html
    assert error_on(html, "uln", message)
    assert 'aria-invalid="true"' in html
    assert Enrolment.objects.count() == 1


def test_a_uln_already_on_the_standard_is_refused_on_the_uln_field(signed_in, world):
    existing = world.enrolment.apprentice
    page = signed_in(world.admin).post(
        URL, form_data(world, uln=existing.uln, date_of_birth=existing.date_of_birth.isoformat())
    )
    assert page.status_code == 200
    assert error_on(
        page.content.decode(),
        "uln",
        f"An apprentice with ULN {existing.uln} is already registered on ST0072.",
    )
    assert Enrolment.objects.count() == 1


def test_no_interaction_mode_is_refused_on_the_mode_field(signed_in, world):
    page = signed_in(world.provider_user).post(URL, form_data(world, face_to_face=None))
    assert page.status_code == 200
    assert error_on(page.content.decode(), "face_to_face", "Choose at least one interaction mode")
    assert Enrolment.objects.count() == 1


def test_dates_out_of_order_are_refused_on_the_field(signed_in, world):
    page = signed_in(world.provider_user).post(URL, form_data(world, planned_end_date="2025-01-01"))
    assert error_on(
        page.content.decode(), "planned_end_date", "Planned end date must be after the start date."
    )


@pytest.mark.parametrize(
    "persona", ["employer", "apprentice", "assessor", "iqa", "outsider_employer"]
)
def test_anyone_else_gets_not_found_and_nothing_is_registered(signed_in, world, persona):
    client = signed_in(world.personas()[persona])
    assert client.get(URL).status_code == 404
    assert client.post(URL, form_data(world)).status_code == 404
    assert Enrolment.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(client, world):
    page = client.get(URL)
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")


def test_an_apprentice_younger_than_16_at_the_start_is_refused_on_the_field(signed_in, world):
    page = signed_in(world.provider_user).post(URL, form_data(world, date_of_birth="2012-01-01"))
    assert error_on(page.content.decode(), "date_of_birth", "must be at least 16 on the start date")
    assert Enrolment.objects.count() == 1
