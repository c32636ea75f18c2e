"""Assessor and standardisation forms: input shape only; rules live in the actions and
openepa.domain.allocation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Unpack

from django import forms
from django.db.models import QuerySet

from openepa.accounts.models import Membership
from openepa.assessors.actions import DiaryDetails, EventDetails, ProfileDetails
from openepa.assessors.availability import capacity_of, pattern_of
from openepa.assessors.models import QUALIFICATION_CHOICES, REGION_CHOICES, AssessorProfile
from openepa.core.forms import (
    AccessibleForm,
    DateField,
    FormData,
    FormFiles,
    FormOptions,
    VersionField,
)
from openepa.domain.diary import WEEKDAYS, Capacity, DayHours


class ProfileForm(AccessibleForm):
    version = VersionField(required=False)
    competence_years = forms.IntegerField(
        label="Years of occupational competence in customer service",
        min_value=0,
        help_text="The assessment plan asks for 2 years or more (ST0072 assessment plan (IfATE) — §6).",
    )
    competence_notes = forms.CharField(
        label="Evidence of occupational competence", widget=forms.Textarea, required=False
    )
    qualification = forms.ChoiceField(
        label="Assessor qualification",
        choices=QUALIFICATION_CHOICES,
        widget=forms.RadioSelect,
        help_text="Held or working towards (PGCE, Cert Ed or an assessor/verifier "
        "qualification), or significant expertise in consistent judgements (ST0072 assessment plan (IfATE) — §6).",
    )
    qualification_name = forms.CharField(label="Qualification", required=False, max_length=200)
    qualification_achieved_on = DateField(label="Date achieved (when held)", required=False)
    qualification_expected_on = DateField(
        label="Date expected (when working towards)", required=False
    )
    regions = forms.MultipleChoiceField(
        label="Regions they assess in",
        choices=REGION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    remote_capable = forms.BooleanField(label="Can assess remotely by video call", required=False)
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)

    def details(self) -> ProfileDetails:
        d = self.cleaned_data
        return ProfileDetails(
            competence_years=d["competence_years"],
            competence_notes=d["competence_notes"],
            qualification=d["qualification"],
            qualification_name=d["qualification_name"],
            qualification_achieved_on=d["qualification_achieved_on"],
            qualification_expected_on=d["qualification_expected_on"],
            regions=tuple(d["regions"]),
            remote_capable=d["remote_capable"],
            notes=d["notes"],
        )

    @staticmethod
    def initial_from(profile: AssessorProfile) -> dict[str, object]:
        fields = [
            "competence_years",
            "competence_notes",
            "qualification",
            "qualification_name",
            "qualification_achieved_on",
            "qualification_expected_on",
            "regions",
            "remote_capable",
            "notes",
            "version",
        ]
        return {name: getattr(profile, name) for name in fields}


if TYPE_CHECKING:
    _MembershipField = forms.ModelChoiceField[Membership]
else:  # the stubs make the field generic; Django's class is not subscriptable at run time
    _MembershipField = forms.ModelChoiceField


class MembershipChoice(_MembershipField):
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user} ({obj.user.email}, {obj.organisation})"


class NewProfileForm(ProfileForm):
    field_order = ["membership"]
    membership = MembershipChoice(
        label="Assessor", queryset=Membership.objects.none(), empty_label=None
    )

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        memberships: QuerySet[Membership],
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = self.fields["membership"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = memberships


class AvailabilityForm(AccessibleForm):
    starts_on = DateField(label="First day")
    ends_on = DateField(label="Last day", required=False, help_text="Empty for a single day.")
    available = forms.TypedChoiceField(
        label="Availability",
        choices=[("false", "Unavailable"), ("true", "Available")],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
        initial="false",
    )
    from_time = forms.TimeField(
        label="From (part of a day only)",
        required=False,
        help_text="24-hour time, for example 13:00. Empty for whole days.",
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
    )
    to_time = forms.TimeField(
        label="Until (part of a day only)",
        required=False,
        help_text="24-hour time, for example 17:00.",
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
    )
    note = forms.CharField(label="Note", required=False, max_length=200)


def _time_field(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
    )


class DiaryForm(AccessibleForm):
    """The working pattern, one fieldset per weekday, then regions, remote work and
    capacity. Times are 24-hour ("09:00")."""

    version = VersionField()
    regions = forms.MultipleChoiceField(
        label="Regions covered in person",
        choices=REGION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    remote_capable = forms.BooleanField(label="Can assess remotely by video call", required=False)
    day_assessments = forms.IntegerField(label="Assessments a day, at most", min_value=0)
    day_minutes = forms.IntegerField(label="Minutes of assessment a day, at most", min_value=0)
    week_assessments = forms.IntegerField(label="Assessments a week, at most", min_value=0)
    week_minutes = forms.IntegerField(label="Minutes of assessment a week, at most", min_value=0)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        for day, name in enumerate(WEEKDAYS):
            self.fields[f"works_{day}"] = forms.BooleanField(
                label=f"Works on {name}s", required=False
            )
            self.fields[f"start_{day}"] = _time_field(f"{name}: start")
            self.fields[f"end_{day}"] = _time_field(f"{name}: finish")
            self.fields[f"break_start_{day}"] = _time_field(f"{name}: break starts (optional)")
            self.fields[f"break_end_{day}"] = _time_field(f"{name}: break ends")

    def weekdays(self) -> list[dict[str, object]]:
        return [
            {
                "name": name,
                "works": self[f"works_{day}"],
                "fields": [
                    self[f"{part}_{day}"] for part in ("start", "end", "break_start", "break_end")
                ],
            }
            for day, name in enumerate(WEEKDAYS)
        ]

    @staticmethod
    def initial_from(profile: AssessorProfile) -> dict[str, object]:
        c = capacity_of(profile)
        out: dict[str, object] = {
            "version": profile.version,
            "regions": profile.regions,
            "remote_capable": profile.remote_capable,
            "day_assessments": c.day_assessments,
            "day_minutes": c.day_minutes,
            "week_assessments": c.week_assessments,
            "week_minutes": c.week_minutes,
        }
        for day, hours in pattern_of(profile).items():
            out |= {
                f"works_{day}": True,
                f"start_{day}": hours.start,
                f"end_{day}": hours.end,
                f"break_start_{day}": hours.break_start,
                f"break_end_{day}": hours.break_end,
            }
        return out

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        for day, name in enumerate(WEEKDAYS):
            if data.get(f"works_{day}") and (
                data.get(f"start_{day}") is None or data.get(f"end_{day}") is None
            ):
                self.add_error(f"start_{day}", f"Give the start and finish times for {name}s.")
        return data

    def details(self) -> DiaryDetails:
        d = self.cleaned_data
        hours = {
            day: DayHours(
                d[f"start_{day}"], d[f"end_{day}"], d[f"break_start_{day}"], d[f"break_end_{day}"]
            )
            for day in range(7)
            if d[f"works_{day}"]
        }
        return DiaryDetails(
            hours=hours,
            regions=tuple(d["regions"]),
            remote_capable=d["remote_capable"],
            capacity=Capacity(
                d["day_assessments"], d["day_minutes"], d["week_assessments"], d["week_minutes"]
            ),
        )


class EventForm(AccessibleForm):
    held_on = DateField(label="Date of the event")
    title = forms.CharField(label="Title", max_length=200, required=False)
    materials = forms.CharField(
        label="Materials and what was covered", widget=forms.Textarea, required=False
    )
    materials_link = forms.URLField(label="Link to the materials", required=False)
    invited = forms.ModelMultipleChoiceField(
        label="Assessors invited",
        queryset=AssessorProfile.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    epao = forms.TypedChoiceField(label="EPAO", coerce=int)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        profiles: QuerySet[AssessorProfile],
        epaos: list[tuple[int, str]],
        **kwargs: Unpack[FormOptions],
    ):
        super().__init__(data, files, **kwargs)
        invited = self.fields["invited"]
        assert isinstance(invited, forms.ModelMultipleChoiceField)
        invited.queryset = profiles
        epao = self.fields["epao"]
        assert isinstance(epao, forms.TypedChoiceField)
        epao.choices = epaos
        if len(epaos) == 1:
            epao.widget = forms.HiddenInput()
            epao.initial = epaos[0][0]

    def details(self) -> EventDetails:
        d = self.cleaned_data
        return EventDetails(
            held_on=d["held_on"],
            title=d["title"],
            materials=d["materials"],
            materials_link=d["materials_link"],
        )


class AttendanceForm(AccessibleForm):
    attended = forms.ModelMultipleChoiceField(
        label="Attended",
        queryset=AssessorProfile.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        profiles: QuerySet[AssessorProfile],
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = self.fields["attended"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = profiles
