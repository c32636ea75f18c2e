"""OutboxMessage: every email OpenEPA sends, written before it is sent, with its delivery
state. The worker sends it (openepa.notifications.tasks); a failed send is retried and
stays visible to the EPAO's admins on the outbox page."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openepa.enrolments.models import Enrolment, JourneyEvent


class OutboxMessage(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Failed, will retry"
        FAILED = "failed", "Failed"

    #: What the message is about: one template per kind (openepa.notifications.kinds).
    kind = models.CharField(max_length=50)
    #: Makes writing a message idempotent: the JourneyEvent (or reminder), the kind and the
    #: recipient. Running the same task twice finds the row instead of adding another.
    key = models.CharField(max_length=400, unique=True)
    recipient = models.EmailField()
    subject = models.CharField(max_length=255)
    text_body = models.TextField()
    html_body = models.TextField()
    #: The calendar invitation of a booking email (RFC 5545 text), stored as sent.
    ics = models.TextField(blank=True)
    #: Every file the sent email carried (the .ics above, files generated at send time such
    #: as the statement of results): names and types only.
    attachments = models.JSONField(default=list, blank=True)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="messages")
    #: The journey step the message follows; none for a scheduled reminder.
    event = models.ForeignKey(
        JourneyEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    #: When the worker will try again (state "retrying").
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    #: The admin who last asked for the message to be sent again now.
    retried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} ({self.state})"
