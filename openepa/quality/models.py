"""IqaSample (a submitted marking sheet chosen for internal quality assurance) and
IqaCriterionReview (the IQA's agree / disagree on one criterion of it), DESIGN.md §2
"IQAReview"; seed 003 §9."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openepa.assessments.models import Attempt
from openepa.domain.sampling import SampleReason
from openepa.organisations.models import Organisation

REASON_CHOICES = [
    (SampleReason.NEW_ASSESSOR.value, "One of a new assessor's first decisions"),
    (SampleReason.ALWAYS.value, "Every decision of this grade is sampled"),
    (SampleReason.RATE.value, "Chosen by the sampling percentage"),
]


class SamplingSalt(models.Model):
    """The EPAO's secret for the sampling draw (openepa.domain.sampling.sampling_draw): with
    it an auditor reproduces every draw; without it an assessor cannot predict one."""

    epao = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    salt = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"Sampling salt of {self.epao}"


class IqaSample(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for review"
        IN_REVIEW = "in_review", "In review"
        SIGNED_OFF = "signed_off", "Signed off"

    class Outcome(models.TextChoices):
        GRADE_STANDS = "grade_stands", "Grade stands"
        AMENDED = "amended", "Amended"

    attempt = models.OneToOneField(Attempt, on_delete=models.PROTECT, related_name="iqa_sample")
    reason = models.CharField(max_length=20, choices=REASON_CHOICES)
    #: Why it was sampled, with the numbers that decided it (SampleChoice.explanation).
    explanation = models.CharField(max_length=200)
    #: The draw 0–9,999 (recorded for every sample, used only by the percentage rule).
    draw = models.PositiveIntegerField()
    #: The method grade of the decision when it was sampled ("" while carried-over criteria
    #: awaited the discussion).
    grade = models.CharField(max_length=20, blank=True)
    sampled_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    #: The IQA's comments on the outcome: required when the grade stands despite a
    #: disagreement, and the amendment's reason when the sheet was amended.
    comments = models.TextField(blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    #: Optimistic lock: every save of the review bumps it; a stale form is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["sampled_at", "id"]
        indexes = [
            # The IQA queue and the admin's open samples: only the open ones, oldest first;
            # with the attempt last (a key column, as SQLite has no INCLUDE), the home pages
            # count them from the index alone rather than reading every sample.
            models.Index(
                fields=["sampled_at", "id", "attempt"],
                condition=models.Q(state__in=["queued", "in_review"]),
                name="iqa_open_samples_by_age",
            )
        ]

    def __str__(self) -> str:
        return f"IQA sample of {self.attempt}"


class IqaCriterionReview(models.Model):
    sample = models.ForeignKey(IqaSample, on_delete=models.CASCADE, related_name="reviews")
    criterion_code = models.CharField(max_length=10)
    agree = models.BooleanField()
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sample", "criterion_code"], name="one_iqa_review_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_code}: {'agree' if self.agree else 'disagree'}"


class OpenSampleCount(models.Model):
    """How many of an EPAO's IQA samples are open (queued or in review), by the day (local
    time) each was sampled, so the admin home's figure (how many, and the oldest day) reads
    one small row per day instead of counting every open sample.

    Kept by the database itself (triggers added by migration 0004 on SQLite and
    PostgreSQL): every insert, delete or change of state of a sample moves its count in
    the same transaction. Read only."""

    epao = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    sampled_on = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["epao", "sampled_on"], name="one_open_sample_count")
        ]

    def __str__(self) -> str:
        return f"{self.n} open, sampled {self.sampled_on}"
