"""Planning and booking forms: input shape only; the rules live in bookings.rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Unpack

from django import forms
from django.db.models import Q
from django.utils import timezone

from openepa.accounts.models import User
from openepa.assessors.queries import status_labels
from openepa.bookings.actions import REMOTE_CHECKS, PlanningDetails, PreferredTime
from openepa.bookings.models import (
    KIND_CHOICES,
    METHOD_CHOICES,
    OBSERVATION_SETTINGS,
    PreferredSlot,
)
from openepa.bookings.queries import assessors_of
from openepa.bookings.rules import METHOD_WORDS, Proposal
from openepa.core.forms import (
    AccessibleForm,
    DateField,
    DateTimeField,
    FormData,
    FormFiles,
    FormOptions,
    VersionField,
)
from openepa.domain.dates import long_date
from openepa.organisations.models import Organisation

REMOTE_LABELS = {
    "remote_camera": "Connected device with a camera (forward-facing when not desk-based)",
    "remote_microphone": "Microphone, or earphones with a microphone",
    "remote_screen_sharing": "Screen and audio sharing by web conferencing (desk-based)",
    "remote_two_way_interaction": "Two-way interaction with customers can be shown (desk-based)",
    "remote_private_room": "Private room where they will not be disturbed (desk-based)",
    "remote_reliable_internet": "Reliable internet where the observation happens (not desk-based)",
    "remote_camera_person": "Workplace representative to act as camera person (not desk-based)",
}
assert set(REMOTE_LABELS) == {c for checks in REMOTE_CHECKS.values() for c in checks}


def preferred_time_field(words: str) -> forms.TimeField:
    """A preferred start time, 24-hour, like the diary's times (openepa.assessors.forms)."""
    return forms.TimeField(
        label=f"Preferred start time for the {words}",
        required=False,
        help_text="24-hour time, for example 10:00. Leave empty for any time that day.",
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
        error_messages={
            "invalid": f"Enter the preferred start time for the {words} as a 24-hour time, "
            "like 10:00"
        },
    )


class PlanningForm(AccessibleForm):
    version = VersionField()
    held_on = DateField(label="Date of the planning meeting")
    arrangements = forms.CharField(
        label="Access arrangements", widget=forms.Textarea, required=False
    )
    facilities = forms.CharField(label="Facilities", widget=forms.Textarea, required=False)
    resources = forms.CharField(label="Resources", widget=forms.Textarea, required=False)
    method_requirements_explained = forms.BooleanField(
        label="The requirements of each assessment method were explained", required=False
    )
    feedback_certification_appeals_explained = forms.BooleanField(
        label="Feedback after the EPA, certification and the appeals process were explained",
        required=False,
    )
    observation_setting = forms.ChoiceField(
        label="Where the practical observation will take place",
        choices=OBSERVATION_SETTINGS,
        initial="workplace",
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        for code, label in REMOTE_LABELS.items():
            self.fields[code] = forms.BooleanField(label=label, required=False)
        # Issue 16 §5: a preferred date and start time per method, both optional.
        for code, _ in METHOD_CHOICES:
            words = METHOD_WORDS[code]
            self.fields[f"preferred_{code}_day"] = DateField(
                label=f"Preferred date for the {words}",
                required=False,
                help_text="Optional. For example, 3 3 2027.",
            )
            self.fields[f"preferred_{code}_start"] = preferred_time_field(words)

    def remote_fields(self) -> list[forms.BoundField]:
        return [self[code] for code in REMOTE_LABELS]

    def preferred_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """(date, start time) for each method, in METHOD_CHOICES order."""
        return [
            (self[f"preferred_{code}_day"], self[f"preferred_{code}_start"])
            for code, _ in METHOD_CHOICES
        ]

    def details(self) -> PlanningDetails:
        data = self.cleaned_data
        return PlanningDetails(
            held_on=data["held_on"],
            arrangements=data["arrangements"],
            facilities=data["facilities"],
            resources=data["resources"],
            method_requirements_explained=data["method_requirements_explained"],
            feedback_certification_appeals_explained=data[
                "feedback_certification_appeals_explained"
            ],
            observation_setting=data["observation_setting"],
            checks=frozenset(code for code in REMOTE_LABELS if data.get(code)),
            notes=data["notes"],
            preferred=tuple(
                PreferredTime(
                    code, data.get(f"preferred_{code}_day"), data.get(f"preferred_{code}_start")
                )
                for code, _ in METHOD_CHOICES
            ),
        )


if TYPE_CHECKING:
    _UserField = forms.ModelChoiceField[User]
else:  # the stubs make the field generic; Django's class is not subscriptable at run time
    _UserField = forms.ModelChoiceField


class AssessorChoice(_UserField):
    """Each assessor with their allocation status today (openepa.assessors), so the admin
    sees who cannot be booked before choosing."""

    labels: dict[int, str] = {}

    def label_from_instance(self, obj: User) -> str:
        status = self.labels.get(obj.pk)
        return f"{obj} — {status}" if status else str(obj)


class _WhenWhereWho(AccessibleForm):
    starts_at = DateTimeField(
        label="Start date and time",
        help_text="On a 5-minute boundary, UK time.",
    )
    duration_minutes = forms.IntegerField(label="Duration in minutes", min_value=1)
    remote = forms.BooleanField(label="Held remotely by video call", required=False)
    venue = forms.CharField(label="Venue", required=False, max_length=200)
    assessor = AssessorChoice(label="Assessor", queryset=None)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        epao_id: int,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = self.fields["assessor"]
        assert isinstance(field, AssessorChoice)
        field.queryset = assessors_of(epao_id)
        field.labels = status_labels(epao_id, timezone.localdate())


def agreed_hint(slots: list[PreferredSlot]) -> str:
    """The preferred dates and times agreed at the planning meeting, as the booking form's
    hint: "Agreed at the planning meeting: practical observation 3 March 2027, 10:00"."""
    if not slots:
        return ""
    parts = [
        f"{METHOD_WORDS[s.method]} {long_date(s.day)}" + (f", {s.start:%H:%M}" if s.start else "")
        for s in slots
    ]
    return "Agreed at the planning meeting: " + "; ".join(parts) + "."


class BookingForm(_WhenWhereWho):
    field_order = ["version", "method", "kind"]
    duration_minutes = forms.IntegerField(
        label="Duration in minutes",
        min_value=1,
        help_text="Left empty, the policy's duration for the method is filled in.",
    )
    version = VersionField()
    method = forms.ChoiceField(label="Assessment method", choices=METHOD_CHOICES)
    kind = forms.ChoiceField(label="Attempt", choices=KIND_CHOICES, initial="first")
    retake_checklist_confirmed = forms.BooleanField(
        label="The retake checklist is complete", required=False
    )
    further_learning_summary = forms.CharField(
        label="Further learning since the failed attempt", widget=forms.Textarea, required=False
    )

    def show_agreed(self, slots: list[PreferredSlot]) -> None:
        """Add the planning meeting's preferred dates and times to the start's hint."""
        hint = agreed_hint(slots)
        if hint:
            field = self.fields["starts_at"]
            field.help_text = f"{field.help_text} {hint}"

    def proposal(self) -> Proposal:
        data = self.cleaned_data
        return Proposal(
            method=data["method"],
            kind=data["kind"],
            starts_at=data["starts_at"],
            duration_minutes=data["duration_minutes"],
            assessor_id=data["assessor"].pk,
            remote=data["remote"],
            venue=data["venue"],
            retake_checklist_confirmed=data["retake_checklist_confirmed"],
            further_learning_summary=data["further_learning_summary"],
        )


class RescheduleForm(_WhenWhereWho):
    reason = forms.CharField(label="Reason for rescheduling", widget=forms.Textarea, required=False)


class DeclineForm(AccessibleForm):
    reason = forms.CharField(
        label="Why you are declining",
        widget=forms.Textarea,
        required=False,
        help_text="For example, leave not yet in your diary or a relationship with the employer.",
    )


class CancelForm(AccessibleForm):
    reason = forms.CharField(label="Reason for cancelling", widget=forms.Textarea, required=False)


class MissedForm(AccessibleForm):
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=[
            ("did_not_attend", "The apprentice did not attend"),
            ("could_not_go_ahead", "The assessment could not go ahead"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea,
        required=False,
        help_text="Needed when the assessment could not go ahead, for example a fire alarm or "
        "a failed video call. The apprentice's record keeps it.",
    )


#: The admin's two decisions on a missed assessment (issue 16, item 4).
MISSED_DECISIONS = [
    ("rebook", "It does not count as an attempt: cancel the booking and book it again"),
    ("counts", "It counts as an attempt: the method is failed at this attempt"),
]


class DecideMissedForm(AccessibleForm):
    decision = forms.ChoiceField(
        label="Does it count as an attempt?",
        choices=MISSED_DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether it counts as an attempt."},
    )
    note = forms.CharField(
        label="Note for the apprentice's record (optional)", widget=forms.Textarea, required=False
    )


class ConflictForm(AccessibleForm):
    uln = forms.CharField(
        label="Apprentice's ULN",
        required=False,
        max_length=10,
        help_text="Leave empty when the relationship is with an employer or provider.",
    )
    organisation = forms.ModelChoiceField(
        label="Employer or provider",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="None — the relationship is with the apprentice",
    )
    description = forms.CharField(label="The relationship", widget=forms.Textarea, required=False)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        epao_ids: frozenset[int],
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        # Only the employers and providers the assessor's EPAOs work with.
        field.queryset = (
            Organisation.objects.exclude(kind=Organisation.Kind.EPAO)
            .filter(
                Q(employer_enrolments__epao_id__in=epao_ids)
                | Q(provider_enrolments__epao_id__in=epao_ids)
            )
            .distinct()
            .order_by("name")
        )
