"""Forms of the cases pages. Rules live in openepa.cases.actions: an empty required text is
refused there with a message naming the rule, not by a generic form error."""

from __future__ import annotations

from typing import Unpack

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from openepa.accounts.models import User
from openepa.bookings.models import Booking
from openepa.cases.models import KIND_CHOICES
from openepa.core.forms import AccessibleForm, FormData, FormFiles, FormOptions, VersionField

DECISIONS = [("approve", "Approve"), ("reject", "Reject")]
CASE_DECISIONS = [("upheld", "Upheld"), ("not_upheld", "Not upheld")]


def _text(label: str, help_text: str = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class AdjustmentRequestForm(AccessibleForm):
    needs = _text(
        "What the apprentice needs, and why",
        "For example a condition or disability and how it affects assessment. Only the "
        "apprentice, your organisation and the EPAO's admins see this.",
    )
    arrangement = _text(
        "What the assessor should provide",
        "The arrangement only, for example 25% extra time or a reader: this is what the "
        "assessor will see, not the reason.",
        rows=3,
    )
    late_reason = _text(
        "If gateway has already been submitted: why the request is late",
        "Adjustments are asked for no later than gateway submission.",
        rows=3,
    )


class DecisionForm(AccessibleForm):
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.RadioSelect)
    reason = _text("Reasons for the decision")
    version = VersionField()


class AdjustmentDecisionForm(DecisionForm):
    arrangement = _text(
        "What the assessor should provide",
        "Shown on the assessor's booking and marking pages. Never the diagnosis.",
        rows=3,
    )


class ConsiderationDecisionForm(DecisionForm):
    outcome = _text(
        "Outcome, recorded against the attempt",
        "For example: the attempt does not count and a new first attempt is booked.",
        rows=3,
    )


# Not subscripted: Django's field classes are generic only in the type stubs, not at run time.
class BookingChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Booking) -> str:
        return f"{obj.get_method_display()}, {timezone.localtime(obj.starts_at):%d %B %Y %H:%M}"


class ConsiderationRequestForm(AccessibleForm):
    booking = BookingChoiceField(
        queryset=Booking.objects.none(), label="Which assessment", empty_label=None
    )
    rescheduling_tried = forms.TypedChoiceField(
        label="Did you try to reschedule the assessment first?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text="Rescheduling comes first; special consideration is a last resort.",
    )
    why_not_rescheduled = _text("If not, why it could not be rescheduled", rows=3)
    circumstances = _text(
        "What happened, and how it affected the apprentice",
        "Only the apprentice, your organisation and the EPAO's admins see this.",
    )

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        bookings: QuerySet[Booking],
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = self.fields["booking"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = bookings


class CaseForm(AccessibleForm):
    kind = forms.ChoiceField(
        label="What you are raising", choices=KIND_CHOICES, widget=forms.RadioSelect
    )
    subject = forms.ChoiceField(label="About")
    grounds = _text(
        "Grounds",
        "What you think is wrong and why. Only the apprentice, your organisation and the "
        "EPAO's admins see this.",
        rows=6,
    )

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        subjects: list[tuple[str, str]],
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = self.fields["subject"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = subjects

    def subject_key(self) -> tuple[str, int]:
        what, _, pk = self.cleaned_data["subject"].partition(":")
        return what, int(pk)


class ReviewForm(AccessibleForm):
    reviewer = forms.ModelChoiceField(queryset=User.objects.none(), label="Reviewer")
    panel = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        label="Appeal panel",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For an appeal: at least one member not connected to the decision.",
    )
    version = VersionField()

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        staff: QuerySet[User],
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        for name in ("reviewer", "panel"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = staff


class CaseDecisionForm(AccessibleForm):
    decision = forms.ChoiceField(choices=CASE_DECISIONS, widget=forms.RadioSelect)
    reason = _text("Reasons for the decision")
    version = VersionField()


class CloseForm(AccessibleForm):
    note = _text("Closing note (optional)", rows=2)
    version = VersionField()
