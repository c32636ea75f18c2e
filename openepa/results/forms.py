"""Forms of the result page. Rules live in openepa.results.actions: a reason left empty is
refused there, with a message that names the rule, rather than by a generic form error."""

from __future__ import annotations

from django import forms

from openepa.core.forms import AccessibleForm, DateField, VersionField


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


class OfqualReturnForm(AccessibleForm):
    """Which Ofqual return, for which period, due on which day (the reporting schedule)."""

    kind = forms.ChoiceField(
        label="Return",
        choices=[
            ("outcomes", "End-point assessment outcomes"),
            ("registrations", "End-point assessment registrations"),
        ],
        widget=forms.RadioSelect,
    )
    start = DateField(label="First day of the period")
    end = DateField(label="Last day of the period")
    reporting_date = DateField(
        label="Reporting date",
        help_text="The date the return is due, as Ofqual's reporting schedule gives it.",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The last day of the period must be on or after its first day.")
        return data
