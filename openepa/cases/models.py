"""ReasonableAdjustment, SpecialConsideration and Case (an enquiry about results or an
appeal), DESIGN.md §2 and issue 5 §1–3.

Fields marked *special category* hold health or personal circumstances (UK GDPR art. 9).
They are shown only to the apprentice, the requester's organisation and the EPAO's admins
(openepa.cases.access.may_see_details), never in lists, and never copied into a
JourneyEvent: the enrolment's timeline is read by more people.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openepa.assessments.models import Amendment, Attempt
from openepa.bookings.models import Booking
from openepa.domain.cases import CASE_STATE_LABELS, OPEN_CASE_STATES, CaseKind, CaseState
from openepa.enrolments.models import Enrolment
from openepa.organisations.models import Organisation
from openepa.results.models import OverallResult


class Decision(models.TextChoices):
    REQUESTED = "requested", "Awaiting a decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Request(models.Model):
    """What a reasonable adjustment and a special consideration share: who asked, for
    which enrolment, and the EPAO admin's decision with its reasons."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    #: The employer or provider that asked; None when the apprentice asked themselves.
    requester_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_on = models.DateField()
    state = models.CharField(max_length=10, choices=Decision.choices, default=Decision.REQUESTED)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    #: Optimistic lock for the decision form.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
        ordering = ["requested_at", "id"]


class ReasonableAdjustment(Request):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="adjustments")
    #: Special category: what the apprentice needs and why.
    needs = models.TextField()
    #: What the assessor should provide (the arrangement, not the diagnosis); the admin may
    #: reword it when approving. Shown to the allocated assessor once approved.
    arrangement = models.TextField()
    #: Requested after gateway submission (seed 000 §5), with the requester's reason.
    late = models.BooleanField(default=False)
    late_reason = models.TextField(blank=True)

    class Meta(Request.Meta):
        indexes = [
            # The admin's adjustments to decide, late first (the home page's first rows):
            # only those waiting are indexed, so the list reads its rows in order.
            models.Index(
                fields=["-late", "requested_at", "id"],
                condition=models.Q(state=Decision.REQUESTED),
                name="adjustments_to_decide",
            )
        ]

    def __str__(self) -> str:
        return f"Reasonable adjustment {self.pk} ({self.get_state_display()})"


class SpecialConsideration(Request):
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="special_considerations"
    )
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="+")
    #: Seed 000 §5: "always aim to reschedule an assessment in the first instance".
    rescheduling_tried = models.BooleanField()
    why_not_rescheduled = models.TextField(blank=True)
    #: Special category: the illness, injury or event and how it affected the apprentice.
    circumstances = models.TextField()
    #: The attempt the outcome is recorded against (the booking's marking sheet).
    attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Special consideration {self.pk} ({self.get_state_display()})"


KIND_CHOICES = [
    (CaseKind.ENQUIRY.value, "Enquiry about results"),
    (CaseKind.APPEAL.value, "Appeal"),
]
CASE_STATE_CHOICES = [(s.value, CASE_STATE_LABELS[s]) for s in CaseState]


class Case(models.Model):
    """An enquiry about results or an appeal (seed 000 §3), about one released result or
    one decision on a reasonable adjustment or special consideration."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="cases")
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    result = models.ForeignKey(
        OverallResult, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    adjustment = models.ForeignKey(
        ReasonableAdjustment, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    consideration = models.ForeignKey(
        SpecialConsideration, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    #: The employer or provider that raised it; None when the apprentice did.
    raiser_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    raised_on = models.DateField()
    #: May describe personal circumstances: shown like the special-category details.
    grounds = models.TextField()
    state = models.CharField(
        max_length=20, choices=CASE_STATE_CHOICES, default=CaseState.RECEIVED.value
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    panel = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    #: The recorded amendments an upheld case made to marking sheets.
    amendments = models.ManyToManyField(Amendment, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["raised_at", "id"]
        indexes = [
            # The header search reads the newest cases first and stops at its few: along this
            # index (either way), not by sorting every case of the EPAO joined to its enrolment.
            models.Index(fields=["raised_at", "id"], name="case_raised_at_id"),
            # The open enquiries and appeals, oldest first (the admin's home page, the queue
            # and its download): only the open ones, which stay few while closed ones pile up.
            models.Index(
                fields=["raised_at", "id"],
                condition=models.Q(state__in=sorted(s.value for s in OPEN_CASE_STATES)),
                name="cases_open_by_age",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        result__isnull=False, adjustment__isnull=True, consideration__isnull=True
                    )
                    | models.Q(
                        result__isnull=True, adjustment__isnull=False, consideration__isnull=True
                    )
                    | models.Q(
                        result__isnull=True, adjustment__isnull=True, consideration__isnull=False
                    )
                ),
                name="case_has_one_subject",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="enquiry") | models.Q(result__isnull=False),
                name="enquiry_is_about_a_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} ({self.get_state_display()})"

    @property
    def case_state(self) -> CaseState:
        return CaseState(self.state)

    @property
    def subject_words(self) -> str:
        if self.result_id is not None:
            return "the released result"
        if self.adjustment_id is not None:
            return "the decision on a reasonable adjustment"
        return "the decision on a special consideration"

    @property
    def summary(self) -> str:
        """ "Enquiry about results" (always about the released result), or "Appeal about
        <its subject>"."""
        if self.kind == "enquiry":
            return self.get_kind_display()
        return f"{self.get_kind_display()} about {self.subject_words}"


class OpenCaseCount(models.Model):
    """How many of an EPAO's enquiries and appeals are open (OPEN_CASE_STATES), by the day
    each was raised, so the admin home's figure (open cases by age) reads one small row per
    day instead of counting every open case.

    Kept by the database itself (triggers added by migration 0004 on SQLite and
    PostgreSQL), as the counts by state are: every insert, delete or change of a case that
    opens or closes it, or moves its day, moves its count in the same transaction. Read
    only."""

    epao = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    raised_on = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["epao", "raised_on"], name="one_open_case_count")
        ]

    def __str__(self) -> str:
        return f"{self.n} open, raised {self.raised_on}"
