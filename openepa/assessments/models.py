"""Attempt (a marking sheet) and Judgement (attempt × criterion), DESIGN.md §2.

A sheet's own method grade is computed by openepa.domain from its judgements when it is
submitted or amended and kept on the sheet (`method_grade`) so that reports over every
decision aggregate in the database; the EPA's grades are computed whenever needed and
snapshotted only when results are released."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openepa.bookings.models import KIND_CHOICES, METHOD_CHOICES, Booking
from openepa.enrolments.models import Enrolment
from openepa.organisations.models import Organisation

OUTCOME_CHOICES = [
    ("met", "Met"),
    ("not_met", "Not met"),
    ("not_evidenced", "Not evidenced"),
    ("carried_over", "Carried over to the discussion"),
]


class Attempt(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Being marked"
        SUBMITTED = "submitted", "Submitted"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="attempts")
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="attempt")
    method = models.CharField(max_length=20, choices=METHOD_CHOICES)
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    assessed_on = models.DateField()
    actual_start = models.TimeField(null=True, blank=True)
    actual_end = models.TimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    #: Who confirmed the submission on the check-your-answers page (the sheet then locks).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: Optimistic lock: every save of the sheet bumps it; a stale form is refused.
    version = models.PositiveIntegerField(default=1)
    #: Who saved the sheet last and when, so a refused stale save can say who changed it.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    #: Seed 002: "Photo ID is checked on assessment day"; submission needs it ticked.
    photo_id_checked = models.BooleanField(default=False)
    feedback = models.TextField(
        blank=True, help_text="Areas for development, shown with the result"
    )
    #: The grade this sheet's own judgements give its method (openepa.domain.grading
    #: .grade_method), stored on submission and on every amendment; blank while a draft or
    #: when no grade follows yet (observation criteria carried over to the discussion).
    method_grade = models.CharField(max_length=12, blank=True, default="")
    #: Set when no assessment took place and the EPAO's admin decided the missed assessment
    #: counts as an attempt (openepa.assessments.actions.record_missed_attempt): why it did
    #: not go ahead. Such a sheet judges nothing; the consistency report leaves it out.
    missed_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["assessed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "method", "number"], name="unique_attempt_number"
            ),
        ]
        indexes = [
            # The admin's latest submitted sheets: read newest first, no sort.
            models.Index(
                fields=["-submitted_at", "-id"],
                condition=models.Q(status="submitted"),
                name="attempts_submitted_latest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} attempt {self.number}"


#: Which sheets are an assessor's decisions: submitted, neither a discussion follow-up (it
#: judges only carried-over criteria and has no method grade) nor a missed assessment
#: counted as an attempt (it judged nothing). The condition DecisionCount's triggers test.
DECISION = models.Q(status="submitted", missed_reason="") & ~models.Q(kind="follow_up")


class DecisionCount(models.Model):
    """How many decisions each assessor made for an EPAO, per method and stored grade (a
    blank grade: carried-over criteria awaiting the discussion), so that the consistency
    report reads a few small rows per assessor instead of counting every sheet.

    Kept by the database itself (triggers added by migration 0009 on SQLite and
    PostgreSQL): every insert, delete or change of a sheet that makes it a decision or not,
    or changes its assessor, method or grade, moves its count in the same transaction,
    whatever wrote it (an action, the demo's generator). Read only; never written by the
    application."""

    epao = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    method = models.CharField(max_length=20, choices=METHOD_CHOICES)
    grade = models.CharField(max_length=12, blank=True)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["epao", "assessor", "method", "grade"], name="one_decision_count"
            )
        ]
        indexes = [
            # Who decided for an EPAO (the consistency report's assessors, its count and its
            # pages): read from this index alone, where the rows themselves (a row per
            # assessor, method and grade: 27,600 at 100,000 apprentices) were scanned for it.
            models.Index(
                fields=["epao", "assessor"], condition=models.Q(n__gt=0), name="decided_for_epao"
            )
        ]

    def __str__(self) -> str:
        return f"{self.n} {self.method} {self.grade or 'ungraded'} by {self.assessor_id}"


#: Which sheets the admin home's grade charts count: submitted, graded (a blank grade is
#: carried-over criteria awaiting the discussion), not a discussion follow-up. The
#: condition GradeCount's and AssessorYear's triggers test.
CHARTED_GRADES = ("fail", "pass", "distinction")
CHARTED = models.Q(status="submitted", method_grade__in=CHARTED_GRADES) & ~models.Q(
    kind="follow_up"
)

#: How many months the admin home's grade charts cover, the current one included.
YEAR_MONTHS = 12


class GradeCount(models.Model):
    """How many graded sheets (CHARTED) an EPAO's assessors submitted per month of
    assessment, method and grade, so the admin home's chart of grades by method over the
    last twelve months reads at most 12 × 3 × 3 small rows whatever the EPAO's size.

    Kept by the database itself (triggers added by migration 0010 on SQLite and
    PostgreSQL), as DecisionCount is: every insert, delete or change of a sheet moves its
    count in the same transaction, whatever wrote it. Read only."""

    epao = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    #: The first day of the month the sheet's assessment took place in.
    month = models.DateField()
    method = models.CharField(max_length=20, choices=METHOD_CHOICES)
    grade = models.CharField(max_length=12)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["epao", "month", "method", "grade"], name="one_grade_count"
            )
        ]

    def __str__(self) -> str:
        return f"{self.n} {self.method} {self.grade} in {self.month:%B %Y}"


class AssessorYear(models.Model):
    """An assessor's graded sheets (CHARTED) for an EPAO over the twelve months ending with
    `year_to`, by grade: a sheet assessed in month m counts in the twelve rows m, m + 1, …,
    m + 11. So the busiest assessors of the last twelve months are the first rows of one
    index (epao, year_to, -n), read a few at a time however many assessors mark.

    Kept by the database itself (triggers added by migration 0010), as GradeCount is."""

    epao = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    #: The first day of the window's last month.
    year_to = models.DateField()
    n = models.IntegerField(default=0)
    fail = models.IntegerField(default=0)
    passed = models.IntegerField(default=0)
    distinction = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["epao", "assessor", "year_to"], name="one_assessor_year"
            )
        ]
        indexes = [
            models.Index(fields=["epao", "year_to", "-n", "assessor"], name="assessor_year_busiest")
        ]

    def __str__(self) -> str:
        return f"{self.n} by {self.assessor_id} in the year to {self.year_to:%B %Y}"


class Judgement(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="judgements")
    criterion_code = models.CharField(max_length=10)
    outcome = models.CharField(max_length=20, choices=OUTCOME_CHOICES, blank=True)
    #: The situation arose and the apprentice tried: cannot be carried over (seed 002).
    attempted = models.BooleanField(default=False)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "criterion_code"], name="one_judgement_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_code}: {self.outcome or 'not judged'}"


class Amendment(models.Model):
    """A change to a submitted sheet, only by an EPAO admin, always with a reason."""

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="amendments")
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()
    #: {criterion_code: {"from": outcome, "to": outcome}}
    changes = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"Amendment of {self.attempt} by {self.amended_by}"
