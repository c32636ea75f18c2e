"""ExportBatch (one API call's worth of records, kept byte for byte) and ExportedRecord (the
mark that a result has been exported, so exporting again never sends it twice)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openepa.enrolments.models import Enrolment
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
        indexes = [
            # The certificates page's batches, newest first: a page read from the index
            # instead of sorting every batch ever exported.
            models.Index(fields=["epao", "-created_at", "-id"], name="export_batches_latest")
        ]

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


class PostalContact(models.Model):
    """Where an enrolment's certificate goes (issue 13 item 1): a copy of the employer's
    contact and address until someone edits it, made when it is first needed. The fields
    are the assessment service's ``postalContact``
    (Models/Request/Certificates/PostalContact.cs of SkillsFundingAgency/das-assessor-
    service)."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="postal_contact"
    )
    contact_name = models.CharField(max_length=200)
    department = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    address_line1 = models.CharField("address line 1", max_length=200)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    address_line3 = models.CharField("address line 3", max_length=200, blank=True)
    city = models.CharField("city or town", max_length=100)
    postcode = models.CharField(max_length=10)
    #: Bumped by every edit; the form carries it so concurrent edits are refused.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.contact_name}, {self.postcode}"


class RecordKind(models.TextChoices):
    #: POST /api/v1/epa: the first EPA record of an apprentice on a standard.
    EPA_CREATE = "epa_create", "EPA record"
    #: PUT /api/v1/epa: a later attempt, the whole history again with the epaReference.
    EPA_UPDATE = "epa_update", "EPA record update"
    #: POST /api/v1/certificate: the certificate request after a Pass or Distinction.
    CERTIFICATE = "certificate", "Certificate request"
    #: POST /api/v1/certificate/submit: the certificate request submitted for printing.
    SUBMIT = "submit", "Certificate submit"


class RecordState(models.TextChoices):
    TO_SEND = "to_send", "To send"
    SENT = "sent", "Sent, waiting for the answer"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    SUBMITTED = "submitted", "Submitted"


class ServiceRecord(models.Model):
    """One request to the assessment service about one apprentice, in the order they must
    arrive (`sequence` within the enrolment): EPA record, updates, certificate request,
    submit. Its `body` is what OpenEPA sends, without the reference the service returns to
    an earlier record (added when it is sent)."""

    epao = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="service_records"
    )
    #: The released result the record reports; none for a withdrawal.
    result = models.ForeignKey(
        OverallResult, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    #: What the record is about, unique per enrolment ("result-12", "withdrawn"), so
    #: queueing twice adds nothing.
    subject = models.CharField(max_length=40)
    sequence = models.PositiveIntegerField()
    #: Our requestId: the service answers each item with it.
    request_id = models.CharField(max_length=50, unique=True)
    body = models.JSONField()
    state = models.CharField(max_length=20, choices=RecordState.choices, default="to_send")
    #: The service's epaReference / certificateReference once accepted.
    reference = models.CharField(max_length=50, blank=True)
    #: The service's validation messages when rejected.
    messages = models.JSONField(default=list)
    attempts = models.PositiveSmallIntegerField(default=0)
    #: Why the last try did not get an answer (timeout, 5xx), shown to the admin.
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "kind", "subject"], name="service_record_once"
            ),
            models.UniqueConstraint(
                fields=["enrolment", "sequence"], name="service_record_sequence"
            ),
        ]
        indexes = [
            models.Index(fields=["epao", "state"]),
            # The certificates page's records, newest first (optionally of one state).
            models.Index(fields=["epao", "-created_at", "-id"], name="service_records_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.request_id} ({self.get_state_display()})"


class ServiceCheck(models.Model):
    """What the service held for an enrolment when last asked (GET
    /api/v1/certificate/{uln}/{familyName}/{standard}), against what OpenEPA sent: one row
    per enrolment, replaced at each check, for the reconciliation page."""

    epao = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="service_check"
    )
    checked_at = models.DateTimeField()
    #: The service's answer in short: {"status", "reference", "grade", "achievementDate",
    #: "latestEpaOutcome"} or {"error": message}.
    held = models.JSONField(default=dict)
    #: The same fields from what OpenEPA sent and the service accepted.
    sent = models.JSONField(default=dict)
    #: The differences in words; empty when both agree.
    differences = models.JSONField(default=list)
    differs = models.BooleanField(default=False)

    class Meta:
        ordering = ["-differs", "enrolment_id"]
        indexes = [models.Index(fields=["epao", "differs"])]

    def __str__(self) -> str:
        return f"Check of {self.enrolment_id}: {'differs' if self.differs else 'agrees'}"


class ReadyResult(models.Model):
    """The result of each enrolment that is ready to export or send (the rule of
    `queries.ready_results`: the enrolment's latest released result, not superseded, not yet
    exported nor sent, the enrolment not withdrawn), kept by the database: triggers on the
    results, the exported and service records and the enrolment's state recompute an
    enrolment's row whenever one of them changes (migration certificates 0004). The counts
    of what waits then read this small index instead of walking every released result and
    probing its exports. Nothing in the app writes it."""

    enrolment = models.OneToOneField(
        Enrolment,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    epao = models.ForeignKey(
        Organisation, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    result = models.ForeignKey(
        OverallResult, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    #: The result's grade: what decides whether it is a certificate request (kind_for).
    grade = models.CharField(max_length=20)

    class Meta:
        indexes = [
            # The counts by grade of an EPAO's first CAP + 1 waiting: read from the index.
            models.Index(fields=["epao", "grade"], name="certificates_ready_by_epao")
        ]

    def __str__(self) -> str:
        return f"result {self.result_id} ready"
