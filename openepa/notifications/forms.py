from __future__ import annotations

from django import forms

from openepa.core.forms import AccessibleForm


class RetryForm(AccessibleForm):
    """Send a failed email again now; nothing to fill in."""


class MarkAllReadForm(AccessibleForm):
    """Mark every notice read up to the newest the page showed."""

    up_to = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
