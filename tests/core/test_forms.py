"""The form base renders GOV.UK form groups and takes dates as day, month and year, with
errors that name the field and the rule."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.template import Context, Template

from openepa.core.forms import AccessibleForm, DateField, DateTimeField

LONDON = ZoneInfo("Europe/London")


class Meeting(AccessibleForm):
    held_on = DateField(label="Date of the assessment")
    starts_at = DateTimeField(label="Start date and time", required=False)
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False, help_text="Short")
    room = forms.ChoiceField(label="Room", choices=[("a", "A"), ("b", "B")], required=False)
    remote = forms.BooleanField(label="Held remotely", required=False)
    kind = forms.ChoiceField(
        label="Kind", choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect, required=False
    )


def render(form: forms.Form, name: str) -> str:
    return Template('{% include "core/field.html" with field=f %}').render(
        Context({"f": form[name]})
    )


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({}, "Enter the date of the assessment as day, month and year"),
        ({"held_on_day": "3"}, "The date of the assessment must include a month and a year"),
        ({"held_on_day": "3", "held_on_year": "2027"}, "must include a month"),
        (
            {"held_on_day": "31", "held_on_month": "2", "held_on_year": "2027"},
            "The date of the assessment must be a real date",
        ),
        (
            {"held_on_day": "x", "held_on_month": "2", "held_on_year": "2027"},
            "The date of the assessment must be a real date, in numbers",
        ),
        (
            {"held_on_day": "3", "held_on_month": "3", "held_on_year": "27"},
            "The year in the date of the assessment must have 4 digits",
        ),
    ],
)
def test_a_date_that_is_missing_or_not_real_is_refused_naming_the_field(posted, message):
    form = Meeting(posted)
    assert not form.is_valid()
    assert any(message in error for error in form.errors["held_on"])


def test_a_date_is_entered_as_day_month_and_year():
    form = Meeting({"held_on_day": " 3 ", "held_on_month": "03", "held_on_year": "2027"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["held_on"] == dt.date(2027, 3, 3)


def test_a_script_may_post_the_whole_date_in_iso_form():
    form = Meeting({"held_on": "2027-03-03", "starts_at": "2027-03-03T14:30"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["held_on"] == dt.date(2027, 3, 3)
    assert form.cleaned_data["starts_at"] == dt.datetime(2027, 3, 3, 14, 30, tzinfo=LONDON)


def test_a_date_and_time_is_entered_as_day_month_year_hour_and_minute_in_england():
    form = Meeting(
        {
            "held_on_day": "3",
            "held_on_month": "7",
            "held_on_year": "2027",
            "starts_at_day": "3",
            "starts_at_month": "7",
            "starts_at_year": "2027",
            "starts_at_hour": "9",
            "starts_at_minute": "05",
        }
    )
    assert form.is_valid(), form.errors
    # Summer time: 09:05 in England is 08:05 UTC.
    assert form.cleaned_data["starts_at"] == dt.datetime(2027, 7, 3, 9, 5, tzinfo=LONDON)
    assert form.cleaned_data["starts_at"].astimezone(dt.UTC).hour == 8


@pytest.mark.parametrize(
    ("hour", "minute", "message"),
    [
        ("", "30", "The start date and time must include an hour and a minute"),
        ("24", "00", "The start date and time must be a real time on the 24-hour clock"),
        ("9", "60", "must be a real time"),
    ],
)
def test_a_time_that_is_missing_or_not_real_is_refused(hour, minute, message):
    form = Meeting(
        {
            "held_on": "2027-03-03",
            "starts_at_day": "3",
            "starts_at_month": "3",
            "starts_at_year": "2027",
            "starts_at_hour": hour,
            "starts_at_minute": minute,
        }
    )
    assert not form.is_valid()
    assert any(message in error for error in form.errors["starts_at"])


def test_the_date_input_is_a_fieldset_with_labelled_parts_and_marks_the_wrong_part():
    form = Meeting({"held_on_day": "3", "held_on_year": "2027"})
    form.is_valid()
    html = render(form, "held_on")
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert re.search(r'<fieldset class="govuk-fieldset" id="id_held_on" role="group"', html)
    assert 'aria-describedby="id_held_on-error"' in html
    assert '<legend class="govuk-fieldset__legend' in html
    assert 'class="govuk-error-message" id="id_held_on-error"' in html
    for part, label in (("day", "Day"), ("month", "Month"), ("year", "Year")):
        assert (
            f'<label class="govuk-label govuk-date-input__label" for="id_held_on_{part}">{label}'
            in html
        )
        assert f'name="held_on_{part}"' in html
    # Only the missing month is marked wrong; what was typed is kept.
    month = re.search(r'<input[^>]*name="held_on_month"[^>]*>', html)
    day = re.search(r'<input[^>]*name="held_on_day"[^>]*>', html)
    assert month is not None
    assert day is not None
    assert "govuk-input--error" in month.group(0)
    assert "govuk-input--error" not in day.group(0)
    assert 'value="3"' in day.group(0)
    assert 'type="date"' not in html


def test_each_kind_of_field_takes_its_govuk_component_class():
    form = Meeting({"held_on": "2027-03-03", "notes": "", "kind": "z"})
    form.is_valid()
    notes = render(form, "notes")
    assert '<label class="govuk-label" for="id_notes">Notes</label>' in notes
    assert '<div class="govuk-hint" id="id_notes-hint">Short</div>' in notes
    assert 'class="govuk-textarea"' in notes
    assert 'aria-describedby="id_notes-hint"' in notes
    assert 'class="govuk-select"' in render(form, "room")
    remote = render(form, "remote")
    assert 'class="govuk-checkboxes govuk-checkboxes--small"' in remote
    assert 'class="govuk-checkboxes__input"' in remote
    kind = render(form, "kind")
    assert '<div class="govuk-radios" data-module="govuk-radios">' in kind
    assert 'class="govuk-radios__input"' in kind
    assert "govuk-form-group--error" in kind
    assert '<label class="govuk-label govuk-radios__label" for="id_kind_0">X</label>' in kind


def test_the_error_summary_links_each_error_to_the_first_input_of_its_field():
    form = Meeting({"kind": "z"})
    form.is_valid()
    html = Template("{% error_summary form=form %}").render(Context({"form": form}))
    assert 'class="govuk-error-summary" data-module="govuk-error-summary"' in html
    assert "There is a problem" in html
    assert '<a href="#id_held_on_day">Enter the date of the assessment' in html
    assert '<a href="#id_kind_0">' in html
    assert (
        Template("{% error_summary form=form %}")
        .render(Context({"form": Meeting({"held_on": "2027-03-03"})}))
        .strip()
        == ""
    )


def test_a_refusal_from_an_action_marks_its_field():
    form = Meeting({"held_on": "2027-03-03"})
    assert form.is_valid()
    form.refuse("No assessor is free that day", field="held_on")
    html = render(form, "held_on")
    assert "govuk-form-group--error" in html
    assert "No assessor is free that day" in html
    assert html.count("govuk-input--error") == 3


class Booking(AccessibleForm):
    venue = forms.CharField(label="Venue")
    assessor = forms.ChoiceField(label="Assessor", choices=[("1", "Ian")])
    confirmed = forms.BooleanField(label="I confirm the room is booked")
    minutes = forms.IntegerField(label="Duration in minutes", required=False)


def test_a_missing_answer_is_refused_naming_the_field():
    form = Booking({"minutes": "ten"})
    assert not form.is_valid()
    assert form.errors["venue"] == ["Enter the venue"]
    assert form.errors["assessor"] == ["Select the assessor"]
    assert form.errors["confirmed"] == ["Tick “I confirm the room is booked”"]
    # Django's own message names no field: the error summary puts the label first.
    html = Template("{% error_summary form=form %}").render(Context({"form": form}))
    assert '<a href="#id_minutes">Duration in minutes: Enter a whole number.</a>' in html
    assert '<a href="#id_venue">Enter the venue</a>' in html
