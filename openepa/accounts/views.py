"""Two-factor set-up and verification (TOTP, any authenticator app)."""

from __future__ import annotations

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from openepa.accounts import setup_link
from openepa.accounts.actions import (
    client_address,
    do_record_failed_sign_in,
    do_record_sign_in,
    do_record_two_factor,
)
from openepa.accounts.forms import EmailAuthenticationForm
from openepa.accounts.requests import AuthenticatedRequest
from openepa.accounts.two_factor import (
    SETUP_SESSION_KEY,
    SetupLinkRefused,
    confirmed_device,
    unlocked_device,
    use_setup_token,
)
from openepa.core.forms import AccessibleForm


class TokenForm(AccessibleForm):
    token = forms.CharField(
        label="6-digit code from your authenticator app",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class SignInView(auth_views.LoginView):
    """Django's sign-in, each outcome recorded for the EPAO's audit log (never the password)."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm

    def form_valid(self, form: EmailAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        do_record_sign_in(user=form.get_user(), ip_address=client_address(self.request))
        return response

    def form_invalid(self, form: EmailAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        typed = form.cleaned_data.get("username") or ""
        do_record_failed_sign_in(email=str(typed), ip_address=client_address(self.request))
        return super().form_invalid(form)


def _next(request: AuthenticatedRequest) -> str:
    target = request.GET.get("next", "/")
    return (
        target
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        else "/"
    )


@login_required
def two_factor(request: AuthenticatedRequest) -> HttpResponse:
    """Set up the authenticator app (first time, once the emailed link was opened in this
    browser) or enter its code (every sign-in)."""
    device = confirmed_device(request.user)
    setting_up = device is None
    if device is None:
        device = unlocked_device(request.user, request.session)
        if device is None:
            return _ask_for_link(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            do_record_two_factor(
                user=request.user, passed=False, set_up=False, ip_address=client_address(request)
            )
            form.refuse(
                "Too many wrong codes: wait a few seconds, then enter the code your app shows.",
                "token",
            )
        elif device.verify_token(form.cleaned_data["token"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                request.session.pop(SETUP_SESSION_KEY, None)
            otp_login(request, device)
            do_record_two_factor(
                user=request.user,
                passed=True,
                set_up=setting_up,
                ip_address=client_address(request),
            )
            return redirect(_next(request))
        else:
            do_record_two_factor(
                user=request.user, passed=False, set_up=False, ip_address=client_address(request)
            )
            form.refuse(
                "That code is not right or has expired. Enter the code your app shows now.", "token"
            )
    context: dict[str, object] = {"form": form, "setting_up": setting_up}
    if setting_up:
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_data_uri(scale=5)
        context["secret"] = _spaced(device.bin_key)
    return render(request, "accounts/two_factor.html", context)


class SendLinkForm(AccessibleForm):
    pass


def _ask_for_link(request: AuthenticatedRequest, *, refused: str = "") -> HttpResponse:
    """First-time set-up, before the emailed link is opened: the password alone shows no
    secret and accepts no code; a POST emails a one-time link to the account's address."""
    form = SendLinkForm(request.POST if request.method == "POST" else ({} if refused else None))
    sent = False
    if refused:
        form.is_valid()
        form.refuse(refused)
    elif form.is_bound and form.is_valid():
        wait = setup_link.wait_before_another(request.user)
        if wait:
            form.refuse(wait)
        else:
            setup_link.send(request, request.user)
            sent = True
    return render(
        request,
        "accounts/two_factor_link.html",
        {
            "form": form,
            "sent": sent,
            "email": request.user.email,
            "minutes": settings.OPENEPA_2FA_SETUP_LINK_MINUTES,
        },
    )


@login_required
def two_factor_setup(request: AuthenticatedRequest, token: str) -> HttpResponse:
    """The emailed link: unlocks the set-up in this browser, for this account, once."""
    if confirmed_device(request.user) is not None:
        return redirect("accounts:two_factor")
    try:
        device = use_setup_token(request.user, token)
    except SetupLinkRefused as refusal:
        return _ask_for_link(request, refused=str(refusal))
    request.session[SETUP_SESSION_KEY] = device.pk
    return redirect("accounts:two_factor")


def _spaced(key: bytes) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    import base64

    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
