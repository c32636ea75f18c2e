from __future__ import annotations

from typing import Unpack

from django import forms

from openepa.core.forms import AccessibleForm, FormData, FormFiles, FormOptions
from openepa.organisations.details import Details, problems


class DetailsForm(AccessibleForm):
    contact_name = forms.CharField(
        label="Named contact", max_length=200, required=False,
        help_text="The person certificates and letters are addressed to.",
    )  # fmt: skip
    department = forms.CharField(max_length=200, required=False)
    address_line1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    address_line2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    address_line3 = forms.CharField(label="Address line 3", max_length=200, required=False)
    city = forms.CharField(label="City or town", max_length=100, required=False)
    postcode = forms.CharField(max_length=10, required=False)
    ukprn = forms.CharField(
        label="UKPRN", max_length=8, required=False,
        help_text="The UK Provider Reference Number: 8 numbers.",
    )  # fmt: skip
    register_id = forms.CharField(
        label="EPAO register number", max_length=7, required=False,
        help_text="End-point assessment organisations only, for example EPA0001.",
    )  # fmt: skip

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        kind: str,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        self.kind = kind
        if kind != "epao":
            del self.fields["register_id"]

    def details(self) -> Details:
        return Details(**{k: self.cleaned_data.get(k) or "" for k in Details.__dataclass_fields__})

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not self.errors:
            for field, message in problems(self.details(), self.kind):
                self.add_error(field, message)
        return data
