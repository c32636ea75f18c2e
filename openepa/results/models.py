"""OverallResult: a snapshot of the grades computed by openepa.domain when every method was
graded, released by an EPAO admin. One row per completion (a resit gives a new row)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openepa.enrolments.models import Enrolment
from openepa.organisations.models import Organisation

GRADE_CHOICES = [("fail", "Fail"), ("pass", "Pass"), ("distinction", "Distinction")]


class OverallResult(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="results")
    grade = models.CharField(max_length=20, choices=GRADE_CHOICES)
    capped = models.BooleanField(default=False)
    #: {method: {"grade", "attempt", "kind", "pass_met", ..., "reasons"}} from the domain.
    methods = models.JSONField()
    reasons = models.JSONField(default=list)
    last_component_on = models.DateField()
    #: Results due date in working days (seed 004), None where the policy is silent.
    due_on = models.DateField(null=True, blank=True)
    computed_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: The submitted attempts the grades were computed from (ids, ascending): a recompute
    #: over the same attempts updates this row instead of adding another.
    attempt_ids = models.JSONField(default=list)
    #: The first attempt of the EPA in this cycle; anchors NQual's all-methods window (004).
    first_component_on = models.DateField(null=True, blank=True)
    #: A later computation over other attempts replaced this unreleased row.
    superseded_at = models.DateTimeField(null=True, blank=True)
    #: IQA sign-off, required before release where the policy says so
    #: (``release_requires_iqa``): set when the last sampled decision of the result is signed
    #: off (openepa.quality.actions); release waits only while a sample is open.
    iqa_signed_off_at = models.DateTimeField(null=True, blank=True)
    iqa_signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-computed_at", "-id"]
        indexes = [
            # Results awaiting release, in the list's order (due date first, none last),
            # with the enrolment so that the list's capped count reads the index alone
            # (PostgreSQL; elsewhere the index holds the sort key only).
            models.Index(
                fields=["due_on", "computed_at", "id"],
                include=["enrolment_id"],
                condition=models.Q(released_at__isnull=True, superseded_at__isnull=True),
                name="results_unreleased_due_cover",
            ),
            # Released results, newest first (the parties' home page and lists).
            models.Index(
                fields=["-released_at", "-id"],
                condition=models.Q(released_at__isnull=False, superseded_at__isnull=True),
                name="results_released_latest",
            ),
            # Which enrolments have a result overdue (the pipeline's flag and filter): read
            # from this index alone, not from the 2,600 table pages the overdue results sit
            # on at 100,000 apprentices. The enrolment is a key column rather than INCLUDEd,
            # which SQLite cannot do.
            models.Index(
                fields=["due_on", "enrolment"],
                condition=models.Q(released_at__isnull=True, superseded_at__isnull=True),
                name="results_overdue_enrolments",
            ),
            # Each enrolment's latest released result (what a certificate is requested for):
            # one probe per enrolment instead of reading and sorting its releases.
            models.Index(
                fields=["enrolment", "-released_at", "-id"],
                condition=models.Q(released_at__isnull=False),
                name="results_latest_released",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} for {self.enrolment}"


class DueCount(models.Model):
    """How many of an EPAO's results wait for release (not released, not superseded) with
    each due date, so the admin home's figure and chart of results due read a few small
    rows (one per date) instead of counting every waiting result.

    Kept by the database itself (triggers added by migration 0006 on SQLite and
    PostgreSQL), as the counts by state are: every insert, delete or change of a result
    that makes it wait or not, or moves its due date, moves its count in the same
    transaction, whatever wrote it. Read only."""

    epao = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["epao", "due_on"], name="one_due_count")]

    def __str__(self) -> str:
        return f"{self.n} due {self.due_on}"


class TurnaroundCount(models.Model):
    """How many of an EPAO's released results (not superseded, of an enrolment accepted at
    gateway) were released in each month (local time) how many calendar days after the
    gateway's acceptance, so the admin home's chart of time from gateway to result reads
    the distinct (month, days) pairs of twelve months instead of every release.

    Kept by the database itself (triggers added by migration 0006 on the results and on
    the enrolment's gateway date). Read only."""

    epao = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    #: The first day of the month of release.
    month = models.DateField()
    days = models.IntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["epao", "month", "days"], name="one_turnaround_count")
        ]

    def __str__(self) -> str:
        return f"{self.n} released in {self.month:%B %Y} after {self.days} days"
