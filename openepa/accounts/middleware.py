"""Sends an EPAO admin, assessor or IQA who has signed in with a password but not yet with
their authenticator app to the two-factor page before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from openepa.accounts.two_factor import requires_two_factor

ALWAYS_ALLOWED = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/healthz")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.OPENEPA_REQUIRE_2FA
            and user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]  # added by django-otp
            and not request.path.startswith(ALWAYS_ALLOWED)
            and requires_two_factor(user)
        ):
            return redirect(f"/accounts/two-factor/?next={request.get_full_path()}")
        return self.get_response(request)
