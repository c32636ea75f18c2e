"""ExportBatch (one API call's worth of records, kept byte for byte) and ExportedRecord (the
mark that a result has been exported, so exporting again never sends it twice)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openepa.organisations.models import Organisation
from openepa.results.models import OverallResult


class ExportKind(models.TextChoices):
    #: A released Pass or Distinction: POST /api/v1/certificate, with the EPA history.
    CERTIFICATE = "certificate", "Certificate requests"
    #: A released Fail: POST /api/v1/epa only, no grade and no certificate.
    EPA = "epa", "EPA records"


class ExportFormat(models.TextChoices):
    JSON = "json", "JSON"
    CSV = "csv", "CSV"


class ExportBatch(models.Model):
    epao = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="export_batches")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=20, choices=ExportKind.choices)
    #: The format the batch was first handed out in; both stay downloadable.
    format = models.CharField(max_length=10, choices=ExportFormat.choices)
    record_count = models.PositiveSmallIntegerField()
    #: The JSON array exactly as validated and handed out: a download repeats these bytes,
    #: and the CSV is derived from them.
    payload = models.TextField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} batch {self.pk} ({self.record_count})"


class ExportedRecord(models.Model):
    batch = models.ForeignKey(ExportBatch, on_delete=models.PROTECT, related_name="records")
    result = models.ForeignKey(OverallResult, on_delete=models.PROTECT, related_name="exports")
    kind = models.CharField(max_length=20, choices=ExportKind.choices)
    request_id = models.CharField(max_length=50)

    class Meta:
        ordering = ["batch", "id"]
        constraints = [
            # The database refuses a second export of the same result, even when two admins
            # export at the same instant.
            models.UniqueConstraint(fields=["result", "kind"], name="export_result_once"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} in batch {self.batch_id}"
