"""Forms of the enrolments context. They collect and type the input; the rules live in
openepa.enrolments.actions (and openepa.domain), so refusals come back from the action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.template.defaultfilters import filesizeformat

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.core.forms import AccessibleForm, DateField, LongSelect, VersionField
from openepa.domain.journey import LABELS, State
from openepa.domain.uln import validate_uln
from openepa.enrolments.actions import Registration
from openepa.enrolments.models import BulkUpload, Enrolment
from openepa.enrolments.queries import Filters
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

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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

    def _set_choices(self, name: str, queryset: Any) -> None:
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

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.OPENEPA_BULK_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; one upload takes at most "
                f"{filesizeformat(limit)}. Split it into smaller files."
            )
        if not upload.name.lower().endswith((".csv", ".txt")):
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


class PipelineFilterForm(AccessibleForm):
    """The pipeline's filters, read from the query string (GET), so every view is a link."""

    q = forms.CharField(label="Search by ULN or name", required=False, max_length=100)
    state = forms.ChoiceField(label="State", choices=STATE_FILTER_CHOICES, required=False)
    # LongSelect: an EPAO may work with thousands of employers (openepa.core.forms).
    employer = forms.ModelChoiceField(
        label="Employer", queryset=Organisation.objects.none(), required=False, widget=LongSelect
    )
    provider = forms.ModelChoiceField(
        label="Training provider",
        queryset=Organisation.objects.none(),
        required=False,
        widget=LongSelect,
    )
    assessor = forms.ModelChoiceField(
        label="Assessor", queryset=User.objects.none(), required=False, widget=LongSelect
    )
    overdue = forms.BooleanField(label="Only results overdue", required=False)

    def __init__(self, *args: Any, epao_ids: frozenset[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices come from the admin's own EPAOs, so no other EPAO's partners are listed:
        # each organisation once, kept when it has an enrolment there (an EXISTS per
        # organisation on the EPAO-and-employer or -provider index, not a DISTINCT over
        # every enrolment).
        ids = list(epao_ids)
        self.fields["employer"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            Exists(Enrolment.objects.filter(employer_id=OuterRef("pk"), epao_id__in=ids)),
            kind=Organisation.Kind.EMPLOYER,
        )
        self.fields["provider"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            Exists(Enrolment.objects.filter(provider_id=OuterRef("pk"), epao_id__in=ids)),
            kind=Organisation.Kind.PROVIDER,
        )
        self.fields["assessor"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                memberships__role=Role.ASSESSOR, memberships__organisation_id__in=epao_ids
            )
            .distinct()
            .order_by("full_name")
        )
        self.fields["employer"].empty_label = "Any employer"  # type: ignore[attr-defined]
        self.fields["provider"].empty_label = "Any provider"  # type: ignore[attr-defined]
        self.fields["assessor"].empty_label = "Any assessor"  # type: ignore[attr-defined]

    def filters(self) -> Filters:
        """The valid filters; an invalid one (a stale id in a bookmarked link) is ignored."""
        self.is_valid()
        data = self.cleaned_data  # holds only the fields that were valid
        return Filters(
            state=data.get("state") or "",
            employer_id=_pk(data.get("employer")),
            provider_id=_pk(data.get("provider")),
            assessor_id=_pk(data.get("assessor")),
            overdue=bool(data.get("overdue")),
            search=(data.get("q") or "").strip(),
        )


class SearchForm(AccessibleForm):
    q = forms.CharField(label="Search by ULN or name", required=False, max_length=100)


def _pk(obj: Any) -> int | None:
    return None if obj is None else int(obj.pk)


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
