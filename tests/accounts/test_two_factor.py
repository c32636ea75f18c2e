"""TOTP two-factor authentication for EPAO admins, assessors and IQAs (issue 6)."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _require_2fa(settings):
    settings.OPENEPA_REQUIRE_2FA = True


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client, email):
    return client.post("/accounts/login/", {"username": email, "password": PASSWORD})


@pytest.mark.parametrize("persona", ["admin", "assessor", "iqa"])
def test_roles_that_decide_results_must_set_up_two_factor(client, world, persona):
    user = getattr(world, persona)
    sign_in(client, user.email)
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"] == "/accounts/two-factor/?next=/"
    setup = client.get("/accounts/two-factor/")
    html = setup.content.decode()
    assert "Set up two-factor sign-in" in html
    assert 'src="data:image/svg+xml' in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post("/accounts/two-factor/?next=/", {"token": code_for(device)})
    assert done.status_code == 302
    assert done["Location"] == "/"
    assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_a_wrong_code_is_refused_and_repeated_guesses_are_slowed(client, world):
    device = TOTPDevice.objects.create(user=world.admin, name="app", confirmed=True)
    sign_in(client, world.admin.email)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    first = client.post("/accounts/two-factor/", {"token": wrong})
    assert "That code is not right or has expired" in first.content.decode()
    # django-otp throttles after a failure: even the right code waits a moment.
    second = client.post("/accounts/two-factor/", {"token": code_for(device)})
    assert "Too many wrong codes" in second.content.decode()
    assert client.get("/").status_code == 302


def test_later_sign_ins_ask_for_the_code_only(client, world):
    device = TOTPDevice.objects.create(user=world.admin, name="app", confirmed=True)
    sign_in(client, world.admin.email)
    page = client.get("/accounts/two-factor/")
    assert "Enter your sign-in code" in page.content.decode()
    assert "data:image/svg+xml" not in page.content.decode()
    assert client.post("/accounts/two-factor/", {"token": code_for(device)}).status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("persona", ["employer_user", "provider_user", "apprentice_user"])
def test_other_roles_sign_in_with_a_password(client, world, persona):
    sign_in(client, getattr(world, persona).email)
    assert client.get("/").status_code == 200


def test_an_unverified_admin_reaches_no_page(client, world):
    sign_in(client, world.admin.email)
    for path in ("/", "/enrolments/", f"/enrolments/{world.enrolment.pk}/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/two-factor/")


def test_next_cannot_send_you_elsewhere(client, world):
    device = TOTPDevice.objects.create(user=world.admin, name="app", confirmed=True)
    sign_in(client, world.admin.email)
    done = client.post(
        "/accounts/two-factor/?next=https://evil.example/", {"token": code_for(device)}
    )
    assert done["Location"] == "/"
