from __future__ import annotations

from collections.abc import Sequence
from typing import Unpack

from django import forms
from django.conf import settings

from openepa.core.forms import (
    AccessibleForm,
    FieldOptions,
    FormData,
    FormFiles,
    FormOptions,
    VersionField,
)
from openepa.domain.standard import Criterion
from openepa.domain.uploads import ACCEPTED_WORDS, KINDS

#: The most files one upload takes (the portfolio's own limit still applies).
MAX_FILES_AT_ONCE = 20


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type="file" multiple>."""

    def __init__(self, **kwargs: Unpack[FieldOptions]) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": ",".join(e for k in KINDS for e in k.extensions), "multiple": True}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data: object, initial: object = None) -> object:
        single = super().clean
        if isinstance(data, list | tuple):
            if len(data) > MAX_FILES_AT_ONCE:
                raise forms.ValidationError(
                    f"Choose at most {MAX_FILES_AT_ONCE} files at once (you chose {len(data)})."
                )
            return [single(item, initial) for item in data] or single(None, initial)
        return [single(data, initial)]


class EvidenceForm(AccessibleForm):
    title = forms.CharField(
        max_length=200,
        required=False,
        help_text="What this evidence shows, e.g. 'Customer feedback log'. For one file; when "
        "you add several files, or leave this empty, each is listed under its file name.",
    )
    file = MultipleFileField(
        label="Files",
        help_text=f"{ACCEPTED_WORDS}; at most {settings.OPENEPA_UPLOAD_MAX_BYTES // 1_000_000} MB "
        "each. Choose several files at once if you like.",
    )
    ai_declaration = forms.BooleanField(
        required=False,
        label="The apprentice declares this is their own work and that any use of AI tools is "
        "declared and referenced",
    )


class TagForm(AccessibleForm):
    """The criteria a piece of evidence shows, chosen by a person; suggested ones first."""

    criteria = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Criteria this evidence shows",
    )
    version = VersionField()

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        criteria: Sequence[Criterion],
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = self.fields["criteria"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(c.code, f"{c.code} {c.text}") for c in criteria]
