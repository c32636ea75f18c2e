from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

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
