"""Gateway forms: input shape only; the rules live in the actions and the domain."""

from __future__ import annotations

from typing import Unpack

from django import forms
from django.conf import settings

from openepa.core.forms import (
    AccessibleForm,
    DateField,
    FormData,
    FormFiles,
    FormOptions,
    VersionField,
)
from openepa.domain.policy import Policy
from openepa.domain.uploads import ACCEPTED_WORDS, KINDS
from openepa.gateway.actions import GatewayDetails
from openepa.gateway.models import FORMAT_CHOICES, LEVEL_CHOICES


class GatewayDetailsForm(AccessibleForm):
    """The details task: the gateway meeting, English and maths, and what the policy asks
    besides; the evidence comes from the other tasks (their documents and sign-offs)."""

    gateway_date = DateField(
        label="Date of the gateway meeting",
        help_text="The meeting where the employer and provider agreed the apprentice is ready.",
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
    english_in_training_plan = forms.BooleanField(
        label="English is in the training plan",
        required=False,
        help_text=(
            "The employer's decision, with the apprentice. For gateways from 11 February 2025 "
            "an apprentice aged 19 or over at the start must show English only if it is in "
            "the training plan."
        ),
    )
    maths_in_training_plan = forms.BooleanField(
        label="Maths is in the training plan",
        required=False,
        help_text="The same for maths: each subject is decided on its own.",
    )
    adjustment_requested = forms.BooleanField(
        label="A reasonable adjustment is requested",
        required=False,
        help_text="If ticked, the reasonable adjustment request form becomes a task of its own.",
    )
    showcase_format = forms.ChoiceField(
        label="Showcase format",
        choices=[("", "Not chosen yet"), *FORMAT_CHOICES],
        required=False,
    )
    notes = forms.CharField(label="Notes for the EPAO", widget=forms.Textarea, required=False)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        policy: Policy,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        """Only what the EPAO's own policy asks for: a Level 2 attempt, the BSL alternative
        and the showcase format appear only where its policy has them."""
        super().__init__(data, files, **kwargs)
        gateway = policy.gateway
        if not gateway.english_maths.level_2_attempt_required:
            del self.fields["english_level_2_attempted"]
            del self.fields["maths_level_2_attempted"]
        if not gateway.english_maths.bsl_alternative:
            del self.fields["bsl_qualification"]
        if gateway.showcase_format_chosen_at_gateway:
            self.fields["showcase_format"].help_text = (
                f"{policy.name} asks for the choice of report or presentation at gateway "
                f"({policy.cite('gateway')})."
            )
        else:
            del self.fields["showcase_format"]

    def details(self) -> GatewayDetails:
        data = self.cleaned_data
        return GatewayDetails(
            gateway_date=data["gateway_date"],
            english=data["english"],
            maths=data["maths"],
            english_level_2_attempted=data.get("english_level_2_attempted", False),
            maths_level_2_attempted=data.get("maths_level_2_attempted", False),
            bsl_qualification=data.get("bsl_qualification", False),
            adjustment_requested=data["adjustment_requested"],
            showcase_format=data.get("showcase_format", ""),
            notes=data["notes"],
            english_in_training_plan=data["english_in_training_plan"],
            maths_in_training_plan=data["maths_in_training_plan"],
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


class DocumentForm(AccessibleForm):
    title = forms.CharField(
        max_length=200, help_text="What this document is, e.g. 'Maths certificate'."
    )
    file = forms.FileField(
        help_text=f"{ACCEPTED_WORDS}; at most {settings.OPENEPA_UPLOAD_MAX_BYTES // 1_000_000} MB.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(e for k in KINDS for e in k.extensions)}
        ),
    )


class SignOffForm(AccessibleForm):
    confirmed = forms.BooleanField(required=False, label="I confirm the declaration above")


class CheckAnswersForm(AccessibleForm):
    version = VersionField()
    declared = forms.BooleanField(required=False, label="I confirm the declaration above")


class RequirementReviewForm(AccessibleForm):
    outcome = forms.ChoiceField(
        label="Your decision on this requirement",
        choices=[("accept", "Accept"), ("return", "Return to the provider to redo")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason for returning it",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,  # the action refuses a return without a reason, with its message
        help_text="Needed when you return it: the provider and employer read it.",
    )
