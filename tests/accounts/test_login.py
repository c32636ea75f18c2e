"""Signing in, out, and resetting a password, as a person would."""

from __future__ import annotations

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def test_sign_in_with_email_lands_on_the_role_home(client, world):
    page = client.post(
        "/accounts/login/", {"username": "ERIN@harbour.example", "password": PASSWORD}, follow=True
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Welcome, Erin Employer" in html
    assert "You are signed in as Employer" in html


def test_wrong_password_is_refused_with_an_error_summary(client, world):
    page = client.post("/accounts/login/", {"username": "erin@harbour.example", "password": "nope"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "There is a problem" in html
    assert "The email address or password is not right" in html
    assert "_auth_user_id" not in client.session


def test_the_project_hashes_passwords_with_argon2():
    # Tests swap in a fast hasher (conftest); the project's own setting puts Argon2 first.
    from openepa import settings as project

    assert project.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_sign_out_is_a_post(client, world):
    client.force_login(world.admin)
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, world, deliver):
    with deliver():  # through the outbox and the worker (tests/accounts/test_password_reset.py)
        client.post("/accounts/password-reset/", {"email": "pat@coastal.example"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pat@coastal.example"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", str(message.body))
    assert link is not None
    form = client.get(link.group(1), follow=True)
    assert "Set a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link.group(1),
        {
            "new_password1": "a brand new long passphrase",
            "new_password2": "a brand new long passphrase",
        },
        follow=True,
    )
    assert "Your password has been changed" in done.content.decode()
    signed_in = client.post(
        "/accounts/login/",
        {"username": "pat@coastal.example", "password": "a brand new long passphrase"},
    )
    assert signed_in.status_code == 302
    assert "_auth_user_id" in client.session


def test_unknown_email_gets_the_same_answer_and_no_mail(client, world):
    page = client.post("/accounts/password-reset/", {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in page.content.decode()
    assert mail.outbox == []


def test_anonymous_home_is_the_public_page(client, db):
    html = client.get("/").content.decode()
    assert "Welcome," not in html
    assert "EPAO policies" in html


def sign_in(client, email, password, ip):
    return client.post(
        "/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def test_five_wrong_passwords_pause_that_email_from_that_address_only(client, world):
    for _ in range(4):
        assert sign_in(client, "erin@harbour.example", "guess", "203.0.113.9").status_code == 200
    assert sign_in(client, "erin@harbour.example", "guess", "203.0.113.9").status_code == 429
    locked = sign_in(client, "erin@harbour.example", PASSWORD, "203.0.113.9")
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    # The attacker's failures do not lock Erin out from her own network...
    assert sign_in(client, "erin@harbour.example", PASSWORD, "198.51.100.7").status_code == 302
    client.post("/accounts/logout/")
    # ...nor anyone else from the attacker's address.
    assert sign_in(client, "pat@coastal.example", PASSWORD, "203.0.113.9").status_code == 302
