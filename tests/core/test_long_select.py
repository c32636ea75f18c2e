"""LongSelect writes the same select as Django's own widget, only faster (openepa.core.forms)."""

from __future__ import annotations

import re

import pytest
from django import forms

from openepa.core.forms import AccessibleForm, LongSelect

CHOICES = [("", "Any employer"), ("1", "Harbour Bank"), ("2", "<Tom & Jerry's>")]


def _form(widget: type[forms.Select], value: str | None) -> str:
    class Filter(AccessibleForm):
        employer = forms.ChoiceField(label="Employer", choices=CHOICES, required=False)

    Filter.base_fields["employer"].widget = widget(choices=CHOICES)
    return str(Filter({"employer": value} if value is not None else None)["employer"])


def _plain(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("value", [None, "", "2"])
def test_it_writes_what_djangos_select_writes(value: str | None) -> None:
    assert _plain(_form(LongSelect, value)) == _plain(_form(forms.Select, value))


def test_labels_are_escaped_and_the_chosen_option_selected() -> None:
    html = _form(LongSelect, "2")
    assert '<option value="2" selected>&lt;Tom &amp; Jerry&#x27;s&gt;</option>' in html
    assert 'class="govuk-select"' in html
