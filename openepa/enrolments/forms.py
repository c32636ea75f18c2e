"""Forms of the enrolments context. They collect and type the input; the rules live in
openepa.enrolments.actions (and openepa.domain), so refusals come back from the action."""

from __future__ import annotations

from typing import Unpack

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.core.forms import (
    AccessibleForm,
    DateField,
    FormData,
    FormFiles,
    FormOptions,
    LongSelect,
    VersionField,
)
from openepa.core.keyset import AFTER, BEFORE
from openepa.domain.journey import LABELS, State
from openepa.domain.uln import validate_uln
from openepa.enrolments.actions import Registration
from openepa.enrolments.models import BulkUpload
from openepa.enrolments.queries import (
    Chosen,
    Filters,
    Named,
    assessors_named,
    partners_named,
)
from openepa.organisations.models import Organisation
from openepa.reference.models import StandardVersion

TRAINING_PLAN_HINT = (
    "The employer's decision, with the apprentice. For gateways from 11 February 2025 an "
    "apprentice aged 19 or over at the start must show English only if it is in the "
    "training plan; 16 to 18-year-olds always must."
)
MATHS_PLAN_HINT = "The same for maths: each subject is decided on its own."


def english_plan_field() -> forms.BooleanField:
    return forms.BooleanField(
        label="English is in the training plan", required=False, help_text=TRAINING_PLAN_HINT
    )


def maths_plan_field() -> forms.BooleanField:
    return forms.BooleanField(
        label="Maths is in the training plan", required=False, help_text=MATHS_PLAN_HINT
    )


class RegistrationForm(AccessibleForm):
    """Field names match `Registration`, so an ActionRefused naming a field lands on it."""

    uln = forms.CharField(
        label="Unique learner number (ULN)",
        max_length=20,
        help_text="10 digits, from the Learning Records Service",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    given_name = forms.CharField(label="Given name", max_length=100)
    family_name = forms.CharField(label="Family name", max_length=100)
    date_of_birth = DateField(label="Date of birth")
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="Used to invite the apprentice to see their own record",
    )
    standard = forms.ModelChoiceField(
        label="Standard", queryset=StandardVersion.objects.all(), empty_label=None
    )
    employer = forms.ModelChoiceField(
        label="Employer", queryset=Organisation.objects.filter(kind=Organisation.Kind.EMPLOYER)
    )
    provider = forms.ModelChoiceField(label="Training provider", queryset=Organisation.objects)
    epao = forms.ModelChoiceField(
        label="End-point assessment organisation", queryset=Organisation.objects
    )
    start_date = DateField(label="Apprenticeship start date")
    planned_end_date = DateField(label="Planned end date")
    original_start_date = DateField(
        label="Original start date (restarts only)",
        required=False,
        help_text="If the apprenticeship was restarted: when it first started. The English "
        "and maths rule counts the apprentice's age at that start.",
    )
    face_to_face = forms.BooleanField(label="Face-to-face with customers", required=False)
    non_facing = forms.BooleanField(
        label="Non-facing (telephone, email, web chat and the like)", required=False
    )
    ehcp = forms.BooleanField(
        label="Has an education, health and care plan or a legacy statement",
        required=False,
        help_text="Entry Level 3 English and maths then suffice at gateway",
    )
    bsl = forms.BooleanField(
        label="British Sign Language is their primary language",
        required=False,
        help_text="A BSL qualification can replace English at gateway",
    )
    english_in_training_plan = english_plan_field()
    maths_in_training_plan = maths_plan_field()

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        user: User,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        roles = roles_of(user)
        organisations = Organisation.objects.order_by("name")
        # A provider registers their own apprentices; an EPAO admin registers for any
        # provider. Each may pick the other side freely (issue 3 §3).
        providers = organisations.filter(kind=Organisation.Kind.PROVIDER)
        if not roles.has(Role.EPAO_ADMIN):
            providers = providers.filter(pk__in=roles.orgs(Role.PROVIDER))
        epaos = organisations.filter(kind=Organisation.Kind.EPAO)
        if not roles.has(Role.PROVIDER):
            epaos = epaos.filter(pk__in=roles.orgs(Role.EPAO_ADMIN))
        self._set_choices("provider", providers)
        self._set_choices("epao", epaos)
        self.fields["employer"].queryset = organisations.filter(kind=Organisation.Kind.EMPLOYER)  # type: ignore[attr-defined]
        standards = list(StandardVersion.objects.all())
        if len(standards) == 1:
            # One standard loaded (ST0072): nothing to choose, the page names it instead.
            self.only_standard: StandardVersion | None = standards[0]
            self.fields["standard"].widget = forms.HiddenInput()
            self.fields["standard"].required = False
            self.fields["standard"].initial = standards[0].pk
        else:
            self.only_standard = None

    def _set_choices(self, name: str, queryset: QuerySet[Organisation]) -> None:
        field = self.fields[name]
        field.queryset = queryset  # type: ignore[attr-defined]
        if len(queryset) == 1:
            # Only one to choose from: choose it, but keep it visible so the user sees it.
            field.empty_label = None  # type: ignore[attr-defined]

    def clean_uln(self) -> str:
        uln: str = self.cleaned_data["uln"].strip()
        problem = validate_uln(uln)
        if problem:
            raise forms.ValidationError(problem)
        return uln

    def registration(self) -> Registration:
        data = self.cleaned_data
        standard = data.get("standard") or self.only_standard
        if standard is None:  # several standards and none chosen: the field is required
            raise ValueError("registration() called on an invalid form")
        return Registration(
            uln=data["uln"],
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            email=data["email"],
            standard=standard,
            epao=data["epao"],
            employer=data["employer"],
            provider=data["provider"],
            start_date=data["start_date"],
            planned_end_date=data["planned_end_date"],
            face_to_face=data["face_to_face"],
            non_facing=data["non_facing"],
            ehcp=data["ehcp"],
            bsl=data["bsl"],
            english_in_training_plan=data["english_in_training_plan"],
            maths_in_training_plan=data["maths_in_training_plan"],
            original_start_date=data.get("original_start_date"),
        )


class BulkUploadForm(AccessibleForm):
    """The CSV file and what to do with it; the EPAO and standard as on the registration
    page. The file's rows are checked by the action, which reports on each."""

    file = forms.FileField(
        label="CSV file of apprentices",
        help_text="UTF-8 CSV with the template's columns, one apprentice per row",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    epao = forms.ModelChoiceField(
        label="End-point assessment organisation", queryset=Organisation.objects
    )
    standard = forms.ModelChoiceField(
        label="Standard", queryset=StandardVersion.objects.all(), empty_label=None
    )
    mode = forms.ChoiceField(
        label="What to do with the file",
        choices=BulkUpload.Mode.choices,
        initial=BulkUpload.Mode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        user: User,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        roles = roles_of(user)
        epaos = Organisation.objects.filter(kind=Organisation.Kind.EPAO).order_by("name")
        if not roles.has(Role.PROVIDER):  # as on the registration page
            epaos = epaos.filter(pk__in=roles.orgs(Role.EPAO_ADMIN))
        self.fields["epao"].queryset = epaos  # type: ignore[attr-defined]
        if len(epaos) == 1:
            self.fields["epao"].empty_label = None  # type: ignore[attr-defined]
        standards = list(StandardVersion.objects.all())
        self.only_standard = standards[0] if len(standards) == 1 else None
        if self.only_standard is not None:
            self.fields["standard"].widget = forms.HiddenInput()
            self.fields["standard"].required = False
            self.fields["standard"].initial = self.only_standard.pk

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        limit = settings.OPENEPA_BULK_MAX_BYTES
        size = upload.size or 0  # a posted file always has its size and name
        if size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(size)}; one upload takes at most "
                f"{filesizeformat(limit)}. Split it into smaller files."
            )
        if not (upload.name or "").lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(
                "Choose a .csv file. In your spreadsheet choose Save as → “CSV UTF-8 "
                "(comma delimited)”."
            )
        return upload

    def chosen_standard(self) -> StandardVersion:
        standard = self.cleaned_data.get("standard") or self.only_standard
        if standard is None:
            raise ValueError("chosen_standard() called on an invalid form")
        return standard


class WithdrawForm(AccessibleForm):
    reason = forms.CharField(
        label="Reason for the withdrawal",
        widget=forms.Textarea(attrs={"rows": 4}),
        # The action refuses a blank reason; required=False lets its message be the one shown.
        required=False,
        help_text="Recorded on the apprentice's timeline and shown to their employer and provider",
    )
    version = VersionField()


STATE_FILTER_CHOICES = [("", "Any state"), *((s.value, LABELS[s]) for s in State)]


#: The name filters: (field, what one of them is called, its plural).
NAME_FILTERS = (
    ("employer", "employer", "employers"),
    ("provider", "training provider", "training providers"),
    ("assessor", "assessor", "assessors"),
)


class PipelineFilterForm(AccessibleForm):
    """The pipeline's filters, read from the query string (GET), so every view is a link.

    The employer, provider and assessor are typed, not picked from a list: an EPAO works
    with thousands of them (1,829 partners and 4,000 assessors at 100,000 apprentices), and
    a select of every one weighed 270 kB and cost most of the page's time. A name matches
    every one whose name contains its words (an exact name only that one); a number (the
    links from the header search) chooses by id. `named` tells the page whom each chose."""

    q = forms.CharField(label="Search by ULN or name", required=False, max_length=100)
    # Its options written in Python (LongSelect), not each through the template engine: a
    # few milliseconds of every pipeline page.
    state = forms.ChoiceField(
        label="State", choices=STATE_FILTER_CHOICES, required=False, widget=LongSelect
    )
    employer = forms.CharField(
        label="Employer", required=False, max_length=200, help_text="All or part of the name"
    )
    provider = forms.CharField(
        label="Training provider",
        required=False,
        max_length=200,
        help_text="All or part of the name",
    )
    assessor = forms.CharField(
        label="Assessor", required=False, max_length=200, help_text="All or part of the name"
    )
    overdue = forms.BooleanField(label="Only results overdue", required=False)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        epao_ids: frozenset[int],
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        # Only the admin's own EPAOs' partners and assessors are matched, so no other
        # EPAO's are named.
        self.epao_ids = epao_ids
        for name, _, _ in NAME_FILTERS:
            self.fields[name].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.named: dict[str, Named] = {}

    def _named(self, name: str, text: str) -> Named:
        if name == "assessor":
            return assessors_named(self.epao_ids, text)
        return partners_named(self.epao_ids, name, text)

    def filters(self) -> Filters:
        """The valid filters; an invalid one (a stale id in a bookmarked link) is ignored."""
        self.is_valid()
        data = self.cleaned_data  # holds only the fields that were valid
        chosen: dict[str, Chosen | None] = {}
        for name, _, _ in NAME_FILTERS:
            text = " ".join((data.get(name) or "").split())
            chosen[name] = None
            if not text:
                continue
            named = self._named(name, text)
            if text.isdigit() and not named.found:
                continue  # a stale id: ignored, as before
            self.named[name] = named
            chosen[name] = named.chosen
        self._show_names_chosen_by_id()
        return Filters(
            state=data.get("state") or "",
            employer=chosen["employer"],
            provider=chosen["provider"],
            assessor=chosen["assessor"],
            overdue=bool(data.get("overdue")),
            search=(data.get("q") or "").strip(),
        )

    def _show_names_chosen_by_id(self) -> None:
        """A filter chosen by id (a link) shows the name in its box, as if typed."""
        by_id = {n: named for n, named in self.named.items() if named.text.isdigit()}
        if by_id:
            data = dict(self.data.items())
            for name, named in by_id.items():
                data[name] = named.found[0][1]
            self.data = data

    def name_matches(self, query: QueryDict) -> list[dict[str, object]]:
        """For each name filter that names several (or nobody), what the page says: each
        one named with a link to the list narrowed to them alone (the rest of `query`, the
        page's own, kept; from the first page)."""
        notes = []
        for name, one, many in NAME_FILTERS:
            named = self.named.get(name)
            if named is None or (len(named.found) == 1 and not named.more):
                continue
            links = []
            for pk, label in named.found:
                narrowed = query.copy()
                narrowed[name] = str(pk)
                for cursor in (AFTER, BEFORE):
                    narrowed.pop(cursor, None)
                links.append((label, "?" + narrowed.urlencode()))
            notes.append(
                {"one": one, "many": many, "text": named.text, "links": links,
                 "more": named.more}
            )  # fmt: skip
        return notes


class SearchForm(AccessibleForm):
    q = forms.CharField(label="Search by ULN or name", required=False, max_length=100)


class TrainingPlanForm(AccessibleForm):
    """English and maths in the training plan: the employer's decision (issue 12)."""

    version = VersionField()
    english_in_training_plan = english_plan_field()
    maths_in_training_plan = maths_plan_field()


FURTHER_LEARNING_CHOICES = [
    ("", "Not recorded"),
    ("yes", "Yes: further learning took place (a retake)"),
    ("no", "No: no further learning (a resit, at the employer's cost)"),
]


class EmployerAttemptsForm(AccessibleForm):
    """The attempts the employer funds and further learning before a resit or retake."""

    version = VersionField()
    funded_attempts = forms.IntegerField(
        label="Attempts of each assessment method the employer funds",
        required=False,
        min_value=0,  # the action refuses 0 with its own message
        help_text="The first attempt included; leave blank if the employer sets no limit.",
    )
    further_learning_before_resit = forms.ChoiceField(
        label="Further learning before the next resit or retake",
        choices=FURTHER_LEARNING_CHOICES,
        required=False,
        help_text="If the apprentice resits with no additional learning, the employer bears "
        "the cost (the Customer Service Practitioner assessment plan).",
    )

    def further_learning(self) -> bool | None:
        value = self.cleaned_data["further_learning_before_resit"]
        return None if not value else value == "yes"
