"""Forms of the result page. Rules live in openepa.results.actions: a reason left empty is
refused there, with a message that names the rule, rather than by a generic form error."""

from __future__ import annotations

from django import forms

from openepa.core.forms import AccessibleForm, VersionField


class ReleaseForm(AccessibleForm):
    version = VersionField()


class OverrideForm(AccessibleForm):
    prefix = "override"
    reason = forms.CharField(
        label="Exceptional circumstances",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What prevented the resit or retake within the window.",
    )
    version = VersionField()


class RestartForm(AccessibleForm):
    prefix = "restart"
    reason = forms.CharField(
        label="Reason the whole EPA is taken again",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Earlier attempts stay in the record but no longer count towards the grade.",
    )
    version = VersionField()
