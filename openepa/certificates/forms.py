"""The export button's form: which of the admin's EPAOs to export for."""

from __future__ import annotations

from django import forms

from openepa.core.forms import AccessibleForm


class ExportForm(AccessibleForm):
    epao = forms.IntegerField(widget=forms.HiddenInput)
