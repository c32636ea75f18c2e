"""GatewaySubmission (DESIGN.md §2), the evidence of its task list (GatewayItem) and the
EPAO's review of each requirement (RequirementReview). Every submission is kept: a rejected one stays with its
reasons and a resubmission is a new row, so the history is complete."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from openepa.domain.eligibility import REQUIREMENT_LABELS, QualificationLevel, ShowcaseFormat
from openepa.enrolments.models import Enrolment

LEVEL_CHOICES = [
    (QualificationLevel.NONE.value, "None recorded"),
    (QualificationLevel.ENTRY_3.value, "Entry Level 3"),
    (QualificationLevel.LEVEL_1.value, "Level 1"),
    (QualificationLevel.LEVEL_2.value, "Level 2"),
]
FORMAT_CHOICES = [
    (ShowcaseFormat.REPORT.value, "Written report"),
    (ShowcaseFormat.PRESENTATION.value, "Presentation"),
]


class GatewaySubmission(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="gateway_submissions"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    gateway_date = models.DateField(help_text="Date of the gateway meeting")
    english = models.CharField(max_length=10, choices=LEVEL_CHOICES)
    maths = models.CharField(max_length=10, choices=LEVEL_CHOICES)
    english_level_2_attempted = models.BooleanField(default=False)
    maths_level_2_attempted = models.BooleanField(default=False)
    bsl_qualification = models.BooleanField(default=False)
    adjustment_requested = models.BooleanField(default=False)
    showcase_format = models.CharField(max_length=20, choices=FORMAT_CHOICES, blank=True)
    #: The employer keeps English and maths in the training plan, as submitted (it matters
    #: for 19+ at start under the national rule of 11 February 2025).
    english_in_training_plan = models.BooleanField(default=False)
    maths_in_training_plan = models.BooleanField(default=False)
    #: Evidence codes supplied (openepa.domain.eligibility.EVIDENCE).
    evidence = models.JSONField(default=list)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True)
    #: The eligibility as it was when the EPAO decided (openepa.gateway.queries
    #: .eligibility_record): shown for a decided submission instead of recomputing it, so a
    #: rule that changes later never re-judges a decision already made.
    recorded_eligibility = models.JSONField(null=True, blank=True)
    #: The task list as submitted: {task code: [GatewayItem ids]} (openepa.domain
    #: .gateway_tasks). Empty for a submission made before the task list.
    task_items = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            # The home page's oldest waiting submission: the waiting ones only, by age.
            models.Index(
                fields=["submitted_at"],
                condition=models.Q(status="submitted"),
                name="gateway_submitted_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"Gateway submission {self.pk} ({self.status})"

    @property
    def evidence_labels(self) -> list[str]:
        """The evidence supplied, in words (the codes stay internal)."""
        return [REQUIREMENT_LABELS.get(code, code) for code in self.evidence]


class GatewayItem(models.Model):
    """One version of a gateway task's evidence: the details, a document or a sign-off.
    Never changed once written: redoing a task adds new items, so every version stays with
    who added it and when. `submission` is the first submission that carried it (None
    while the gateway is being prepared); later submissions that carried an accepted task
    over name it in their `task_items`."""

    class Kind(models.TextChoices):
        DETAILS = "details", "Details"
        DOCUMENT = "document", "Document"
        SIGN_OFF = "sign_off", "Sign-off"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="gateway_items")
    task = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    #: 1, 2, …: the how-manieth item of this task for this enrolment.
    number = models.PositiveIntegerField()
    submission = models.ForeignKey(
        GatewaySubmission,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="first_items",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: A document taken out before it was ever submitted (the file is kept).
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A document: stored like showcase evidence (openepa.core.uploads). Each upload gets a
    # fresh random name, but the name is not unique in the table: a stored file is never
    # changed or removed once its item is saved (withdrawing keeps it), so the volume demo's
    # copies of an apprentice share their template's files (openepa.demo.volume).
    title = models.CharField(max_length=200, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    stored_name = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    #: The details task: the form's answers (openepa.gateway.actions.GatewayDetails).
    details = models.JSONField(null=True, blank=True)
    #: A sign-off: the words declared.
    declaration = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "task", "number"], name="gateway_item_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.number}"

    @property
    def details_shown(self) -> dict[str, object] | None:
        """The details with the meeting's date as a date, for the pages to show in words."""
        if not self.details:
            return None
        return {**self.details, "gateway_date": date.fromisoformat(self.details["gateway_date"])}


class RequirementReview(models.Model):
    """The EPAO's review of one requirement of one submission. A changed mind is a new
    row: the latest counts, every one stays."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        RETURNED = "returned", "Returned to redo"

    submission = models.ForeignKey(
        GatewaySubmission, on_delete=models.PROTECT, related_name="reviews"
    )
    task = models.CharField(max_length=40)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.task}: {self.outcome}"
