"""Gateway forms: input shape only; the rules live in the actions and the domain."""

from __future__ import annotations

from django import forms

from openepa.core.forms import AccessibleForm, DateInput, VersionField
from openepa.domain.eligibility import EVIDENCE
from openepa.gateway.actions import GatewayEvidence
from openepa.gateway.models import FORMAT_CHOICES, LEVEL_CHOICES

# The showcase format has its own field, which stands for the choice record (see
# gateway.queries.gateway_case), so it is not offered again as a tick box.
EVIDENCE_CHOICES = [(code, words[:1].upper() + words[1:]) for code, words in EVIDENCE.items()]
EVIDENCE_CHOICES = [c for c in EVIDENCE_CHOICES if c[0] != "showcase_format_choice"]


class GatewaySubmissionForm(AccessibleForm):
    version = VersionField()
    gateway_date = forms.DateField(
        label="Date of the gateway meeting",
        widget=DateInput,
        help_text="The meeting where the employer and provider agreed the apprentice is ready.",
    )
    evidence = forms.MultipleChoiceField(
        label="Evidence supplied",
        choices=EVIDENCE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    english = forms.ChoiceField(label="English: highest level achieved", choices=LEVEL_CHOICES)
    maths = forms.ChoiceField(label="Maths: highest level achieved", choices=LEVEL_CHOICES)
    english_level_2_attempted = forms.BooleanField(
        label="Level 2 English has been attempted", required=False
    )
    maths_level_2_attempted = forms.BooleanField(
        label="Level 2 maths has been attempted", required=False
    )
    bsl_qualification = forms.BooleanField(
        label="Holds a British Sign Language qualification (BSL is their primary language)",
        required=False,
    )
    english_maths_in_training_plan = forms.BooleanField(
        label="English and maths are in the training plan",
        required=False,
        help_text=(
            "The employer's decision, with the apprentice. For gateways from 11 February 2025 "
            "an apprentice aged 19 or over at the start must show English and maths only if "
            "they are in the training plan."
        ),
    )
    adjustment_requested = forms.BooleanField(
        label="A reasonable adjustment is requested",
        required=False,
        help_text="If ticked, include the reasonable adjustment request form in the evidence.",
    )
    showcase_format = forms.ChoiceField(
        label="Showcase format",
        choices=[("", "Not chosen yet"), *FORMAT_CHOICES],
        required=False,
        help_text="Highfield asks for the choice of report or presentation at gateway.",
    )
    notes = forms.CharField(label="Notes for the EPAO", widget=forms.Textarea, required=False)

    def evidence_record(self) -> GatewayEvidence:
        data = self.cleaned_data
        return GatewayEvidence(
            gateway_date=data["gateway_date"],
            english=data["english"],
            maths=data["maths"],
            english_level_2_attempted=data["english_level_2_attempted"],
            maths_level_2_attempted=data["maths_level_2_attempted"],
            bsl_qualification=data["bsl_qualification"],
            adjustment_requested=data["adjustment_requested"],
            showcase_format=data["showcase_format"],
            evidence=tuple(data["evidence"]),
            notes=data["notes"],
            english_maths_in_training_plan=data["english_maths_in_training_plan"],
        )


class AcceptForm(AccessibleForm):
    version = VersionField()
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False)


class RejectForm(AccessibleForm):
    version = VersionField()
    reasons = forms.CharField(
        label="Reasons for rejection",
        widget=forms.Textarea,
        required=False,  # the action refuses an empty reason with its own message
        help_text="Shown to the provider and employer; prefilled with the unmet requirements.",
    )
