from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template.loader import render_to_string

from openepa.accounts.mail import PASSWORD_RESET, account_mail
from openepa.core.forms import AccessibleFormMixin


class EmailAuthenticationForm(AccessibleFormMixin, AuthenticationForm):
    """Sign in by email, whatever its capitalisation (addresses are stored lower-case)."""

    username = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "The email address or password is not right. Check them and try again.",
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's password reset, its email written to the outbox and sent by the worker with
    retries (issue 11 §4), not sent inside the request where a failure was only logged."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        account_mail().queue(
            user=context["user"],
            kind=PASSWORD_RESET,
            subject=render_to_string(subject_template_name, context),
            text=render_to_string(email_template_name, context),
        )
