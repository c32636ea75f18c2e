"""The IQA's review form: agree / disagree and a comment per criterion of the sampled sheet,
the outcome of a disagreement and, to amend, the new outcome of a criterion. Its fields
follow the sheet's criteria; the rules stay in openepa.quality.actions."""

from __future__ import annotations

from typing import Unpack

from django import forms

from openepa.assessments.actions import AMENDABLE
from openepa.assessments.forms import OWN
from openepa.assessments.layout import Line
from openepa.core.forms import AccessibleForm, FormData, FormFiles, FormOptions, VersionField
from openepa.quality.actions import ReviewInput, agree_field, comment_field, new_outcome_field
from openepa.quality.models import IqaSample

AGREE = [("agree", "Agree"), ("disagree", "Disagree")]


class ReviewForm(AccessibleForm):
    outcome = forms.ChoiceField(
        label="Outcome of a disagreement",
        choices=[
            (IqaSample.Outcome.GRADE_STANDS.value, "The grade stands"),
            (IqaSample.Outcome.AMENDED.value, "Amend the sheet with the new outcomes chosen"),
        ],
        required=False,  # the action says when an outcome is needed, with its own message
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label="Your reason for the outcome",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required after a disagreement. An amendment records it as its reason.",
    )
    version = VersionField()
    sheet_version = VersionField()

    def __init__(
        self,
        lines: list[Line],
        data: FormData | None = None,
        files: FormFiles | None = None,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        self.lines = lines
        new_choices = [("", "Leave as it is"), *[(v, label) for v, label in OWN if v in AMENDABLE]]
        for line in lines:
            code = line.criterion.code
            self.fields[agree_field(code)] = forms.ChoiceField(
                label=f"Your judgement of {code}",
                choices=AGREE,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[comment_field(code)] = forms.CharField(
                label=f"Comment on {code}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[new_outcome_field(code)] = forms.ChoiceField(
                label=f"New outcome for {code} (only to amend)",
                choices=new_choices,
                required=False,
            )

    def bound(self, line: Line) -> dict[str, object]:
        code = line.criterion.code
        return {
            "agree": self[agree_field(code)],
            "comment": self[comment_field(code)],
            "new_outcome": self[new_outcome_field(code)],
        }

    def reviews(self) -> dict[str, ReviewInput]:
        data = self.cleaned_data
        found: dict[str, ReviewInput] = {}
        for line in self.lines:
            code = line.criterion.code
            choice = data.get(agree_field(code)) or ""
            agree = None if not choice else choice == "agree"
            found[code] = (agree, data.get(comment_field(code)) or "")
        return found

    def changes(self) -> dict[str, str]:
        return {
            line.criterion.code: value
            for line in self.lines
            if (value := self.cleaned_data.get(new_outcome_field(line.criterion.code)))
        }


def review_initial(sample: IqaSample) -> dict[str, object]:
    initial: dict[str, object] = {
        "version": sample.version,
        "sheet_version": sample.attempt.version,
        "outcome": sample.outcome,
        "comments": sample.comments,
    }
    for review in sample.reviews.all():
        initial[agree_field(review.criterion_code)] = "agree" if review.agree else "disagree"
        initial[comment_field(review.criterion_code)] = review.comment
    return initial
