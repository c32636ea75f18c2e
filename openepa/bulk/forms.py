"""The choice of rows: the ticked ids, or every row matching the list ("all N")."""

from __future__ import annotations

from typing import Unpack

from django import forms

from openepa.core.forms import AccessibleForm, FormData, FormFiles, FormOptions


class ChooseForm(AccessibleForm):
    ids = forms.TypedMultipleChoiceField(
        label="Choose rows", coerce=int, required=False, choices=()
    )
    scope = forms.ChoiceField(
        choices=(("chosen", "The rows ticked"), ("all", "Every row matching")),
        required=False,
    )

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        posted = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        # Any whole number may be posted: the action keeps only the admin's own rows.
        self.fields["ids"].choices = [(v, v) for v in posted if str(v).isdigit()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("scope") != "all" and not data.get("ids"):
            self.add_error("ids", "Tick at least one row, or choose every row matching.")
        return data

    def chosen(self) -> list[int] | None:
        """The ids ticked, or None for every row matching."""
        if self.cleaned_data.get("scope") == "all":
            return None
        return list(self.cleaned_data["ids"])
