"""The certificates page's forms: export, send, send again, and where a certificate goes."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from openepa.certificates.contacts import PostalDetails, problems
from openepa.core.forms import AccessibleForm, VersionField


class ExportForm(AccessibleForm):
    epao = forms.IntegerField(widget=forms.HiddenInput)


class PostalContactForm(AccessibleForm):
    """Where the certificate goes; the fields of the service's ``postalContact``."""

    version = VersionField()
    contact_name = forms.CharField(label="Contact name", max_length=200, required=False)
    department = forms.CharField(max_length=200, required=False)
    organisation = forms.CharField(max_length=200, required=False)
    address_line1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    address_line2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    address_line3 = forms.CharField(label="Address line 3", max_length=200, required=False)
    city = forms.CharField(label="City or town", max_length=100, required=False)
    postcode = forms.CharField(
        max_length=10, required=False, help_text="A UK postcode, for example SW1A 1AA."
    )

    def clean(self) -> dict[str, object]:
        # Every field the service would refuse, at once, in its words.
        data = super().clean() or {}
        if not self.errors:
            for field, message in problems(details_from(data)):
                self.add_error(field, message)
        return data


def details_from(data: Mapping[str, object]) -> PostalDetails:
    return PostalDetails(**{k: str(data.get(k) or "") for k in PostalDetails.__dataclass_fields__})


class SendForm(AccessibleForm):
    epao = forms.IntegerField(widget=forms.HiddenInput)


class RecordForm(AccessibleForm):
    record = forms.IntegerField(widget=forms.HiddenInput)
