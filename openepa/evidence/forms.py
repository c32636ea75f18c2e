from __future__ import annotations

from django import forms
from django.conf import settings

from openepa.core.forms import AccessibleForm
from openepa.domain.uploads import ACCEPTED_WORDS, KINDS


class EvidenceForm(AccessibleForm):
    title = forms.CharField(
        max_length=200, help_text="What this evidence shows, e.g. 'Customer feedback log'."
    )
    file = forms.FileField(
        help_text=f"{ACCEPTED_WORDS}; at most {settings.OPENEPA_UPLOAD_MAX_BYTES // 1_000_000} MB.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(e for k in KINDS for e in k.extensions)}
        ),
    )
    ai_declaration = forms.BooleanField(
        required=False,
        label="The apprentice declares this is their own work and that any use of AI tools is "
        "declared and referenced",
    )
