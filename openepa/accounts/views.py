"""Two-factor set-up and verification (TOTP, any authenticator app)."""

from __future__ import annotations

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from openepa.accounts.requests import AuthenticatedRequest
from openepa.accounts.two_factor import confirmed_device, pending_device
from openepa.core.forms import AccessibleForm


class TokenForm(AccessibleForm):
    token = forms.CharField(
        label="6-digit code from your authenticator app",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request: AuthenticatedRequest) -> str:
    target = request.GET.get("next", "/")
    return (
        target
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        else "/"
    )


@login_required
def two_factor(request: AuthenticatedRequest) -> HttpResponse:
    """Set up the authenticator app (first time) or enter its code (every sign-in)."""
    device = confirmed_device(request.user)
    setting_up = device is None
    if device is None:
        device = pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.refuse(
                "Too many wrong codes: wait a few seconds, then enter the code your app shows.",
                "token",
            )
        elif device.verify_token(form.cleaned_data["token"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_next(request))
        else:
            form.refuse(
                "That code is not right or has expired. Enter the code your app shows now.", "token"
            )
    context: dict[str, object] = {"form": form, "setting_up": setting_up}
    if setting_up:
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_data_uri(scale=5)
        context["secret"] = _spaced(device.bin_key)
    return render(request, "accounts/two_factor.html", context)


def _spaced(key: bytes) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    import base64

    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
