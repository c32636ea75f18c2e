"""The marking sheet and amendment forms. Their fields follow the sheet's criteria, so
they are built from its lines; the rules stay in actions and the domain."""

from __future__ import annotations

from typing import Unpack

from django import forms
from django.forms import BoundField

from openepa.assessments.actions import AMENDABLE, JudgementInput
from openepa.assessments.layout import Line, note_field, outcome_field
from openepa.assessments.models import OUTCOME_CHOICES, Attempt, Judgement
from openepa.core.forms import AccessibleForm, FormData, FormFiles, FormOptions, VersionField

OWN = [("met", "Met"), ("not_met", "Not met"), ("not_evidenced", "Not evidenced")]
CARRY = ("carried_over", "Carry over to the discussion")
#: How a recorded outcome reads on a submitted sheet.
LABELS = dict([*OUTCOME_CHOICES, ("", "Not judged yet")])


def _slug(code: str) -> str:
    return code.replace(".", "_")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


class SheetForm(AccessibleForm):
    actual_start = forms.TimeField(label="Actual start time", required=False, widget=TimeInput())
    actual_end = forms.TimeField(label="Actual end time", required=False, widget=TimeInput())
    feedback = forms.CharField(
        label="Feedback: areas for development",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown to the apprentice with the result.",
    )
    photo_id_checked = forms.BooleanField(
        label="I checked the apprentice's photo ID",
        required=False,  # the action refuses submission without it, with its own message
        help_text="Photo ID is checked on assessment day.",
    )
    version = VersionField()

    def __init__(
        self,
        lines: list[Line],
        data: FormData | None = None,
        files: FormFiles | None = None,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        self.lines = lines
        for line in lines:
            code = line.criterion.code
            choices = [*OWN, CARRY] if line.can_carry else OWN
            self.fields[outcome_field(code)] = forms.ChoiceField(
                label=code, choices=choices, required=False, widget=forms.RadioSelect
            )
            self.fields[note_field(code)] = forms.CharField(
                label=f"Evidence note for {code}",
                # Required on submission (the policy says for which judgements); a draft
                # may be saved without.
                required=False,
                help_text="What you saw, heard or read that supports the judgement.",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            if line.can_carry:
                self.fields[f"attempted_{_slug(code)}"] = forms.BooleanField(
                    label="The situation arose and the apprentice attempted it", required=False
                )

    def bound(self, line: Line) -> dict[str, BoundField | None]:
        """The bound fields of one criterion, for the template."""
        slug = _slug(line.criterion.code)
        return {
            "outcome": self[outcome_field(line.criterion.code)],
            "note": self[note_field(line.criterion.code)],
            "attempted": self[f"attempted_{slug}"] if line.can_carry else None,
        }

    def outcomes(self) -> dict[str, str]:
        """Posted outcomes, valid choices only, for the preview even when unsaved. Read
        from the raw data: a refusal shown on a criterion removes it from cleaned_data."""
        found = {}
        for line in self.lines:
            name = outcome_field(line.criterion.code)
            value = self.data.get(name, "")
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            found[line.criterion.code] = value if field.valid_value(value) else ""
        return found

    def judgements(self) -> dict[str, JudgementInput]:
        data = self.cleaned_data
        return {
            line.criterion.code: (
                data.get(outcome_field(line.criterion.code)) or "",
                data.get(note_field(line.criterion.code)) or "",
                bool(data.get(f"attempted_{_slug(line.criterion.code)}")),
            )
            for line in self.lines
        }


def sheet_initial(attempt: Attempt, rows: dict[str, Judgement]) -> dict[str, object]:
    """The saved sheet as form values."""
    initial: dict[str, object] = {
        "actual_start": attempt.actual_start,
        "actual_end": attempt.actual_end,
        "feedback": attempt.feedback,
        "photo_id_checked": attempt.photo_id_checked,
        "version": attempt.version,
    }
    for code, row in rows.items():
        initial[outcome_field(code)] = row.outcome
        initial[note_field(code)] = row.note
        initial[f"attempted_{_slug(code)}"] = row.attempted
    return initial


class AmendForm(AccessibleForm):
    reason = forms.CharField(
        label="Reason for the amendment",
        required=False,  # the action refuses a blank reason with its own message
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with the change and shown in the sheet's history.",
    )
    version = VersionField()

    def __init__(
        self,
        lines: list[Line],
        data: FormData | None = None,
        files: FormFiles | None = None,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        self.lines = lines
        choices = [("", "Leave as it is"), *[(v, label) for v, label in OWN if v in AMENDABLE]]
        for line in lines:
            self.fields[outcome_field(line.criterion.code)] = forms.ChoiceField(
                label=f"New outcome for {line.criterion.code}", choices=choices, required=False
            )

    def changes(self) -> dict[str, str]:
        return {
            line.criterion.code: value
            for line in self.lines
            if (value := self.cleaned_data.get(outcome_field(line.criterion.code)))
        }


class ConfirmForm(AccessibleForm):
    """Check your answers: confirming submits the sheet as it was shown (the version)."""

    version = VersionField()
