"""A bulk run: what an admin asked to do to which rows, and what happened to each row.

Rows are the report: each one is finished in the same transaction as its action, so a run
picked up twice (two workers, a worker restarted) never acts on a row twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BulkKind(models.TextChoices):
    RELEASE_RESULTS = "release_results", "Release results"
    REQUEST_CERTIFICATES = "request_certificates", "Request certificates"
    ACCEPT_GATEWAY = "accept_gateway", "Accept gateway submissions"


class Outcome(models.TextChoices):
    WAITING = "waiting", "Waiting"
    DONE = "done", "Done"
    REFUSED = "refused", "Refused"


class BulkRun(models.Model):
    kind = models.CharField(max_length=32, choices=BulkKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bulk_runs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: The EPAOs whose rows the run holds: who may read its report (their admins).
    epao_ids = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    #: Whether the worker runs it (more than a few rows) or the request that started it.
    in_worker = models.BooleanField(default=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_by", "-created_at"], name="bulk_run_by_user")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.row_count} rows"


class BulkRow(models.Model):
    run = models.ForeignKey(BulkRun, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField()
    #: The id of what the action is applied to (a result, or an enrolment at gateway).
    target_id = models.BigIntegerField()
    #: Who the row is about, as shown when the run started (a name and ULN).
    label = models.CharField(max_length=300)
    epao_id = models.BigIntegerField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.WAITING)
    message = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "target_id"], name="bulk_row_once_per_run"),
        ]
        indexes = [models.Index(fields=["run", "position"], name="bulk_row_in_order")]

    def __str__(self) -> str:
        return f"{self.label}: {self.outcome}"
