"""Form helpers shared by every context: fields rendered as GOV.UK Frontend form groups
(label, hint, error message, error summary), dates entered as day, month and year, and the
version field that detects concurrent edits.

Every form that mixes in `AccessibleFormMixin` renders each field with
`{% include "core/field.html" with field=form.x %}` (or `{{ form.x.as_field_group }}`):
the mixin gives each widget its GOV.UK class and ties hints and errors to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any, TypedDict, Unpack

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import BaseValidator
from django.forms.boundfield import BoundField
from django.forms.renderers import BaseRenderer
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

#: What a form is bound to: the request's POST or GET (a plain dict in tests).
type FormData = Mapping[str, object]
#: The files posted with it.
type FormFiles = MultiValueDict[str, UploadedFile[bytes]]


class FormOptions(TypedDict, total=False):
    """Django's own arguments to a form that the app's forms pass on unchanged, beside the
    data and files (a form with arguments of its own takes them by keyword)."""

    initial: MutableMapping[str, object]
    prefix: str | None
    auto_id: bool | str


class FieldOptions(TypedDict, total=False):
    """Django's own arguments to a form field that the app's fields pass on unchanged."""

    required: bool
    label: str | None
    help_text: str
    initial: object
    widget: forms.Widget | type[forms.Widget]
    disabled: bool
    validators: Iterable[BaseValidator]


#: The kinds of field the field template knows how to lay out.
GROUPED = {"radios", "checkboxes", "date", "datetime"}


def widget_kind(widget: forms.Widget) -> str:
    """Which GOV.UK component renders this widget (see core/field.html)."""
    if isinstance(widget, DateTimeInput):
        return "datetime"
    if isinstance(widget, DateInput):
        return "date"
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


#: The class each kind of widget's own element takes.
WIDGET_CLASSES = {
    "radios": "govuk-radios__input",
    "checkboxes": "govuk-checkboxes__input",
    "checkbox": "govuk-checkboxes__input",
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "file": "govuk-file-upload",
    "input": "govuk-input",
}
ERROR_CLASSES = {
    "select": "govuk-select--error",
    "textarea": "govuk-textarea--error",
    "file": "govuk-file-upload--error",
    "input": "govuk-input--error",
}


def _add_class(attrs: dict[str, str | bool], name: str) -> None:
    classes = str(attrs.get("class", "")).split()
    if name not in classes:
        attrs["class"] = " ".join([*classes, name])


#: Django's own "This field is required.", which names no field.
DJANGO_REQUIRED = forms.Field.default_error_messages["required"]


def _name_the_field_when_required(field: forms.Field) -> None:
    """ "Enter the venue", "Select the assessor" rather than Django's nameless message."""
    if not field.label or str(field.error_messages.get("required")) != str(DJANGO_REQUIRED):
        return
    choice = isinstance(field.widget, (forms.Select, forms.RadioSelect, forms.CheckboxInput))
    choice = choice or isinstance(field.widget, forms.CheckboxSelectMultiple)
    if isinstance(field.widget, forms.CheckboxInput):
        field.error_messages["required"] = f"Tick “{field.label}”"
    else:
        field.error_messages["required"] = f"{'Select' if choice else 'Enter'} {_what(field)}"


class AccessibleBoundField(BoundField):
    """A bound field that knows how the GOV.UK templates lay it out."""

    @property
    def kind(self) -> str:
        return widget_kind(self.field.widget)

    @property
    def is_group(self) -> bool:
        """Laid out as a fieldset with a legend (radios, tick boxes, dates)."""
        return self.kind in GROUPED

    @property
    def error_target(self) -> str:
        """The id the error summary links to: the first input of the field."""
        kind = self.kind
        if kind in {"date", "datetime"}:
            return f"{self.auto_id}_day"
        if kind in {"radios", "checkboxes"}:
            return f"{self.auto_id}_0"
        return str(self.auto_id)

    def build_widget_attrs(
        self, attrs: dict[str, str | bool], widget: forms.Widget | None = None
    ) -> dict[str, str | bool]:
        """The widget's GOV.UK class, its error class and description, whenever it renders
        (so fields a form adds after its own __init__ get them too)."""
        attrs = super().build_widget_attrs(attrs, widget)
        kind = self.kind
        if kind in WIDGET_CLASSES:
            _add_class(attrs, WIDGET_CLASSES[kind])
        if kind in GROUPED or kind == "hidden":
            return attrs
        if self.errors:
            attrs["aria-invalid"] = "true"
            if kind in ERROR_CLASSES:
                _add_class(attrs, ERROR_CLASSES[kind])
        if self.described_by:
            attrs["aria-describedby"] = self.described_by
        return attrs

    @property
    def summary_errors(self) -> list[str]:
        """The field's errors as the error summary lists them: each names the field (its
        label first when the message does not say it)."""
        label = str(self.label)
        return [str(e) if label.lower() in str(e).lower() else f"{label}: {e}" for e in self.errors]

    @property
    def described_by(self) -> str:
        ids = []
        if self.help_text:
            ids.append(f"{self.auto_id}-hint")
        if self.errors:
            ids.append(f"{self.auto_id}-error")
        return " ".join(ids)


class AccessibleFormMixin(forms.BaseForm):
    """Renders every field as a GOV.UK form group (`AccessibleBoundField`): each widget gets
    its component's class, and hints and errors are tied to inputs (aria-describedby,
    aria-invalid) so screen readers announce them with the field. Mix into any Django
    form."""

    bound_field_class = AccessibleBoundField
    template_name_div = "core/form.html"

    def full_clean(self) -> None:
        for field in self.fields.values():
            _name_the_field_when_required(field)
        super().full_clean()
        for name in self.fields:
            self._mark(name)

    def _mark(self, name: str) -> None:
        """Mark which parts of a date input hold the error (the others keep their look)."""
        field = self.fields[name]
        if isinstance(field.widget, DateInput):
            field.widget.invalid_parts = (
                getattr(field, "invalid_parts", None) or field.widget.part_names
                if name in self.errors
                else ()
            )

    def refuse(self, message: str, field: str | None = None) -> None:
        """Show a refusal from an action on the field it concerns (or the whole form)."""
        self.add_error(field if field in self.fields else None, message)
        if field in self.fields:
            self._mark(field)


class AccessibleForm(AccessibleFormMixin, forms.Form):
    pass


class LongSelect(forms.Select):
    """A select whose options are written here rather than each through its own template:
    Django renders every option with the template engine (a third of a millisecond each), so
    a select of fifty options costs more than the rest of its form (the audit log's kinds, the
    pipeline's states; benchmarks/page_profile.py). The markup is the same: a plain select,
    its options escaped, the chosen one selected."""

    def render(
        self,
        name: str,
        value: object,
        attrs: dict[str, object] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        chosen = set(self.format_value(value))
        options = [
            format_html(
                '<option value="{}"{}>{}</option>',
                str(option),
                mark_safe(" selected") if str(option) in chosen else "",
                label,
            )
            for option, label in self.choices
        ]
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(final), mark_safe("".join(options))
        )


class DateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year, posted as `<name>_day`, `<name>_month`
    and `<name>_year`. Used by `DateField`; replaces the browser's own date control, whose
    order and look differ between browsers."""

    template_name = "core/widgets/date_input.html"
    part_names: tuple[str, ...] = ("day", "month", "year")
    part_labels: tuple[str, ...] = ("Day", "Month", "Year")
    part_widths: tuple[int, ...] = (2, 2, 4)

    def __init__(self, attrs: dict[str, object] | None = None) -> None:
        parts: dict[str, forms.Widget | type[forms.Widget]] = {
            name: forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
            for name in self.part_names
        }
        super().__init__(parts, attrs)
        self.invalid_parts: tuple[str, ...] = ()

    def value_from_datadict(self, data: FormData, files: FormFiles, name: str) -> Any:
        """The parts as posted. A script may post the whole date (ISO 8601, "2027-03-03" or
        "2027-03-03T14:30") under the field's own name instead; the field checks either."""
        if name in data and not any(f"{name}_{part}" in data for part in self.part_names):
            return data[name]
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data: FormData, files: FormFiles, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)

    def decompress(self, value: object) -> list[object]:
        if isinstance(value, str) and value:
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                return [None] * len(self.part_names)
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value) if timezone.is_aware(value) else value
            return [value.day, value.month, value.year, value.hour, f"{value.minute:02d}"][
                : len(self.part_names)
            ]
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None] * len(self.part_names)

    def get_context(
        self, name: str, value: object, attrs: dict[str, object] | None
    ) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for sub, part, label, width in zip(
            context["widget"]["subwidgets"],
            self.part_names,
            self.part_labels,
            self.part_widths,
            strict=True,
        ):
            sub["part"] = part
            if context["widget"]["attrs"].get("id"):
                sub["attrs"]["id"] = f"{context['widget']['attrs']['id']}_{part}"
            sub["label"] = label
            classes = f"govuk-input govuk-date-input__input govuk-input--width-{width}"
            if part in self.invalid_parts:
                classes += " govuk-input--error"
                sub["attrs"]["aria-invalid"] = "true"
            sub["attrs"]["class"] = classes
            sub["attrs"].pop("aria-describedby", None)
        return context


class DateTimeInput(DateInput):
    """The date input followed by the hour and minute (24-hour clock)."""

    part_names = ("day", "month", "year", "hour", "minute")
    part_labels = ("Day", "Month", "Year", "Hour", "Minute")
    part_widths = (2, 2, 4, 2, 2)


def _what(field: forms.Field) -> str:
    """The field's label as it reads inside a sentence: "the date of birth"."""
    label = str(field.label or "date")
    return "the " + label[:1].lower() + label[1:]


def _what_capital(field: forms.Field) -> str:
    """The field's label at the start of a sentence: "The date of birth"."""
    return "The" + _what(field)[3:]


def _parse_date(field: DateField, parts: dict[str, str]) -> dt.date | None:
    """A date from its day, month and year, or a ValidationError naming the field and the
    rule, as the GOV.UK date input pattern words them."""
    date_parts = {k: parts.get(k, "") for k in ("day", "month", "year")}
    if not any(date_parts.values()):
        return None
    missing = [k for k, v in date_parts.items() if not v]
    if missing:
        field.invalid_parts = tuple(missing)
        raise forms.ValidationError(
            f"{_what_capital(field)} must include a {' and a '.join(missing)}", code="incomplete"
        )
    if not all(v.isdigit() for v in date_parts.values()):
        field.invalid_parts = tuple(k for k, v in date_parts.items() if not v.isdigit())
        raise forms.ValidationError(
            f"{_what_capital(field)} must be a real date, in numbers, like 3 3 2027",
            code="invalid",
        )
    if len(date_parts["year"]) != 4:
        field.invalid_parts = ("year",)
        raise forms.ValidationError(
            f"The year in {_what(field)} must have 4 digits, like 2027", code="invalid"
        )
    try:
        return dt.date(int(date_parts["year"]), int(date_parts["month"]), int(date_parts["day"]))
    except ValueError:
        field.invalid_parts = ("day", "month", "year")
        raise forms.ValidationError(
            f"{_what_capital(field)} must be a real date", code="invalid"
        ) from None


class DateField(forms.Field):
    """A date entered as day, month and year (the GOV.UK date input). Errors name the
    field and the rule: "Enter the date of birth as day, month and year", "The date of
    birth must be a real date"."""

    widget = DateInput

    def __init__(self, **kwargs: Unpack[FieldOptions]) -> None:
        super().__init__(**kwargs)
        self.invalid_parts: tuple[str, ...] = ()
        self.error_messages["required"] = f"Enter {_what(self)} as day, month and year"

    def _parts(self, value: object) -> dict[str, str] | None:
        if isinstance(value, (list, tuple)):
            names = self.widget.part_names
            return {n: str(v or "").strip() for n, v in zip(names, value, strict=False)}
        return None

    def to_python(self, value: object) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        parts = self._parts(value)
        if parts is None:
            if not value:
                return None
            try:
                return dt.date.fromisoformat(str(value))
            except ValueError:
                raise forms.ValidationError(
                    f"{_what_capital(self)} must be a real date", code="invalid"
                ) from None
        return _parse_date(self, parts)


class DateTimeField(DateField):
    """A date (day, month, year) and a time (hour, minute, 24-hour clock), in England's
    time (the current time zone)."""

    widget = DateTimeInput

    def __init__(self, **kwargs: Unpack[FieldOptions]) -> None:
        super().__init__(**kwargs)
        self.error_messages["required"] = (
            f"Enter {_what(self)} as day, month, year, hour and minute"
        )

    def to_python(self, value: object) -> dt.datetime | None:
        if isinstance(value, dt.datetime):
            return value
        parts = self._parts(value)
        if parts is None:
            if not value:
                return None
            try:
                moment = dt.datetime.fromisoformat(str(value))
            except ValueError:
                raise forms.ValidationError(
                    f"{_what_capital(self)} must be a real date and time", code="invalid"
                ) from None
            return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
        day = _parse_date(self, parts)
        hour, minute = parts.get("hour", ""), parts.get("minute", "")
        if day is None:
            if hour or minute:
                self.invalid_parts = ("day", "month", "year")
                raise forms.ValidationError(
                    f"{_what_capital(self)} must include a day, a month and a year",
                    code="incomplete",
                )
            return None
        if not hour or not minute:
            self.invalid_parts = tuple(k for k in ("hour", "minute") if not parts.get(k))
            raise forms.ValidationError(
                f"{_what_capital(self)} must include an hour and a minute, like 14 and 30",
                code="incomplete",
            )
        if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
            self.invalid_parts = ("hour", "minute")
            raise forms.ValidationError(
                f"{_what_capital(self)} must be a real time on the 24-hour clock: "
                "hour 0 to 23 and minute 0 to 59",
                code="invalid",
            )
        moment = dt.datetime.combine(day, dt.time(int(hour), int(minute)))
        return timezone.make_aware(moment)


class VersionField(forms.IntegerField):
    """The version of the record when the form was opened (optimistic locking)."""

    widget = forms.HiddenInput
