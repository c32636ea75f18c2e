"""Emailing the one-time link that unlocks first-time two-factor set-up
(openepa.accounts.two_factor), through the outbox like every other email."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from openepa.accounts.mail import TWO_FACTOR_SETUP, account_mail
from openepa.accounts.models import User
from openepa.accounts.two_factor import fresh_pending_device, setup_token

#: Someone holding only the password could otherwise fill the person's inbox.
BETWEEN_LINKS = timedelta(minutes=1)


def wait_before_another(user: User) -> str:
    """A refusal when a link was sent less than BETWEEN_LINKS ago, else ""."""
    since = timezone.now() - BETWEEN_LINKS
    if account_mail().sent_since(user=user, kind=TWO_FACTOR_SETUP, since=since):
        return "A link was sent less than a minute ago: check your email before asking again."
    return ""


def send(request: HttpRequest, user: User) -> None:
    device = fresh_pending_device(user)
    link = request.build_absolute_uri(
        reverse("accounts:two_factor_setup", kwargs={"token": setup_token(device)})
    )
    context = {
        "user": user,
        "link": link,
        "minutes": settings.OPENEPA_2FA_SETUP_LINK_MINUTES,
    }
    account_mail().queue(
        user=user,
        kind=TWO_FACTOR_SETUP,
        subject=render_to_string("accounts/two_factor_setup_subject.txt", context),
        text=render_to_string("accounts/two_factor_setup_email.txt", context),
    )
