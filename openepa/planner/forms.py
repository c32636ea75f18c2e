"""Scheduling forms: input shape only; the rules are in openepa.planner.actions and the
independent checker."""

from __future__ import annotations

from typing import Unpack

from django import forms

from openepa.bookings.forms import AssessorChoice
from openepa.bookings.queries import assessors_of
from openepa.core.forms import (
    AccessibleForm,
    DateField,
    DateTimeField,
    FormData,
    FormFiles,
    FormOptions,
    VersionField,
)


class HorizonForm(AccessibleForm):
    first_day = DateField(label="First day")
    last_day = DateField(label="Last day")
    seconds = forms.IntegerField(
        label="Time limit in seconds",
        help_text="The optimiser stops after this long and keeps the best plan found (5 to 120).",
        initial=20,
    )


class ReplanForm(AccessibleForm):
    assessor = AssessorChoice(label="Assessor who cannot work", queryset=None)
    day = DateField(label="Day they cannot work")

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


class LineForm(AccessibleForm):
    version = VersionField()
    assessor = AssessorChoice(label="Assessor", queryset=None)
    starts_at = DateTimeField(
        label="Start date and time", help_text="On a 5-minute boundary, UK time."
    )

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


class VersionOnlyForm(AccessibleForm):
    version = VersionField()
