"""Form helpers shared by every context: accessible error wiring and the version field that
detects concurrent edits."""

from __future__ import annotations

from typing import Any

from django import forms


class AccessibleFormMixin(forms.BaseForm):
    """Ties hints and errors to inputs (aria-describedby, aria-invalid) after validation,
    so screen readers announce them with the field. Mix into any Django form."""

    def full_clean(self) -> None:
        super().full_clean()
        for name, field in self.fields.items():
            bound = self[name]
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}-hint")
            if name in self.errors:
                described.append(f"{bound.auto_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs.setdefault("aria-describedby", f"{self[name].auto_id}-hint")

    def refuse(self, message: str, field: str | None = None) -> None:
        """Show a refusal from an action on the field it concerns (or the whole form)."""
        self.add_error(field if field in self.fields else None, message)
        if field in self.fields:
            self.fields[field].widget.attrs["aria-invalid"] = "true"


class AccessibleForm(AccessibleFormMixin, forms.Form):
    pass


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class VersionField(forms.IntegerField):
    """The version of the record when the form was opened (optimistic locking)."""

    widget = forms.HiddenInput
