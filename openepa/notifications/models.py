"""OutboxMessage: every email OpenEPA sends, written before it is sent, with its delivery
state. The worker sends it (openepa.notifications.tasks); a failed send is retried and
stays visible to the EPAO's admins on the outbox page.

The row is the truth about a message: the worker claims it ("sending", with the time it
did) in its own transaction before handing it to the mail server, and records the outcome
in another. A claim older than OPENEPA_TASK_TIMEOUT_SECONDS means the worker died while
sending; the recovery (tasks.recover_stalled_work) marks it "outcome unknown" rather than
sending it again, so no message is ever sent twice by the worker (issue 11 §4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openepa.documents.models import StoredDocument
from openepa.enrolments.models import Enrolment, JourneyEvent


class OutboxMessage(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Failed, will retry"
        FAILED = "failed", "Failed"
        #: The worker stopped while handing it to the mail server: it may or may not have
        #: arrived. Not retried automatically; an admin checks, then may send it again.
        UNKNOWN = "unknown", "Failed, outcome unknown"

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
    #: The result's documents the email carries, rendered once when the event's messages
    #: were written and shared by every recipient (openepa.documents.store).
    documents = models.ManyToManyField(StoredDocument, blank=True, related_name="+")
    #: The apprentice the message is about; none for an account email (password reset,
    #: two-factor setup link), which belongs to its recipient alone.
    enrolment = models.ForeignKey(
        Enrolment, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    #: The EPAO whose admins see the message on the outbox page: the enrolment's EPAO, or
    #: for an account email the EPAO the recipient works for (none: no admin sees it).
    epao = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: The journey step the message follows; none for a scheduled reminder.
    event = models.ForeignKey(
        JourneyEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    #: When a worker claimed the message to send it (state "sending").
    claimed_at = models.DateTimeField(null=True, blank=True)
    #: The Message-ID header the email carries (the same at every attempt), so an admin can
    #: find it in the mail server's log before sending an "outcome unknown" message again.
    message_id = models.CharField(max_length=255, blank=True)
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
        indexes = [
            models.Index(fields=["state", "created_at"]),
            # The audit log reads the emails sent, newest first, a page at a time.
            models.Index(
                fields=["-sent_at", "-id"],
                condition=models.Q(state="sent"),
                name="outbox_sent_newest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} ({self.state})"

    @property
    def is_account_email(self) -> bool:
        """An email about a person's own account: its text (a sign-in link) is theirs only."""
        return self.enrolment_id is None


class InAppNotice(models.Model):
    """An email shown in the app to its recipient, when the recipient is a user (issue 17
    §6): written with its OutboxMessage, in the same transaction, so every email a user is
    sent is also on their notices page, whether or not they read their email. The title is
    the email's subject; `url` is the path of the page the email is about. A download
    prepared in the background is announced by a notice of its own, with no email."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    #: None for a notice that is no email: a download prepared for the user (or that could
    #: not be), which is theirs alone and waits in the app (PreparedDownload).
    message = models.OneToOneField(
        OutboxMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="notice"
    )
    kind = models.CharField(max_length=50)
    title = models.CharField(max_length=255)
    url = models.CharField(max_length=400)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The notices page: the user's newest first, a page at a time.
            models.Index(fields=["user", "-created_at", "-id"], name="notices_by_user"),
            # The header's count of unread notices reads only these rows.
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notices_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (to user {self.user_id})"


class PreparedDownload(models.Model):
    """A staff list's download too long to stream (openepa.core.downloads), prepared by the
    worker for the user who asked: the list's source name and query string are recorded,
    and the worker rebuilds the rows from them as that user when it runs, so the file holds
    what that user may see then. The file is in the default storage (the object store when
    configured) under `name`, kept OPENEPA_DOWNLOAD_KEEP_DAYS days, then deleted by the
    daily work (state "expired": the row stays, so its page can say so)."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to be prepared"
        PREPARING = "preparing", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be prepared"
        EXPIRED = "expired", "Deleted after its time"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    #: The registered source (openepa.accounts.downloads.SOURCES) and its GET parameters.
    source = models.CharField(max_length=60)
    query = models.TextField(blank=True)
    fmt = models.CharField(max_length=4)
    #: The list's title and the file's name, as the source gave them when it was asked for.
    title = models.CharField(max_length=100)
    filename = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    #: The file's name in the default storage ("" until it is written and after it expires).
    name = models.CharField(max_length=400, blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    #: The notice that told the user it was ready (or that it failed): one, however often
    #: the task runs.
    notice = models.OneToOneField(
        InAppNotice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The user's own downloads, newest first.
            models.Index(fields=["user", "-created_at", "-id"], name="downloads_by_user"),
            # The daily work's expiry reads the ready files by age.
            models.Index(
                fields=["ready_at"],
                condition=models.Q(state="ready"),
                name="downloads_ready_by_age",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.fmt}, {self.state}) for user {self.user_id}"
