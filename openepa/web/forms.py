"""The audit log's filters, read from the query string (GET), so every view of the log is a
link an auditor can keep."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone

from openepa.accounts.models import AccountEvent
from openepa.assessors.models import ProfileStep
from openepa.core.forms import AccessibleForm, DateField, LongSelect
from openepa.domain.search import parse
from openepa.enrolments.audit import ACCOUNT_KIND, EMAIL_KIND, PROFILE_KIND, AuditFilters
from openepa.enrolments.sentences import SENTENCES
from openepa.web.audit import kind_words

KIND_CHOICES = [
    ("", "Every kind"),
    *sorted(((code, kind_words(code)) for code in SENTENCES), key=lambda c: c[1]),
    *(
        (f"{PROFILE_KIND}{step.value}", kind_words(f"{PROFILE_KIND}{step.value}"))
        for step in ProfileStep
    ),
    *(
        (f"{ACCOUNT_KIND}{action.value}", kind_words(f"{ACCOUNT_KIND}{action.value}"))
        for action in AccountEvent.Action
    ),
    (f"{EMAIL_KIND}sent", kind_words(f"{EMAIL_KIND}sent")),
]


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditFilterForm(AccessibleForm):
    person = forms.CharField(
        label="Who acted",
        help_text="Name or email (for an email sent: the recipient's address)",
        required=False,
        max_length=100,
    )
    apprentice = forms.CharField(
        label="Apprentice",
        help_text="ULN, name or enrolment number",
        required=False,
        max_length=100,
    )
    # Some fifty kinds: their options written in Python (LongSelect), not each through the
    # template engine, which was most of the log's template time.
    kind = forms.ChoiceField(label="Kind", choices=KIND_CHOICES, required=False, widget=LongSelect)
    since = DateField(label="From", help_text="For example, 27 3 2027", required=False)
    until = DateField(label="To", help_text="Up to and including this day", required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The “To” date must be the same as or after the “From” date")
        return data

    def filters(self) -> AuditFilters:
        """The valid filters; an invalid one is shown with its error and left out."""
        self.is_valid()
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        return AuditFilters(
            person=tuple((data.get("person") or "").split())[:5],
            apprentice=parse(data.get("apprentice") or ""),
            kind=data.get("kind") or "",
            since=_start_of(since) if since else None,
            until=_start_of(until + timedelta(days=1)) if until else None,
        )
