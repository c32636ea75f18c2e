"""Reads of the outbox, scoped to the EPAOs the user administers."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.enrolments.audit import EMAIL_KIND, AuditFilters, when
from openepa.enrolments.queries import apprentice_matches
from openepa.notifications.models import InAppNotice, OutboxMessage, PreparedDownload

#: Messages an admin should look at: not sent, and the worker has given up, will retry, or
#: stopped while sending (outcome unknown).
NEEDS_ATTENTION = (
    OutboxMessage.State.FAILED,
    OutboxMessage.State.RETRYING,
    OutboxMessage.State.UNKNOWN,
)


def administered_by(user: User) -> Q:
    """Messages of the EPAOs the user administers: the message's EPAO, or for a message
    written without one, its enrolment's."""
    epaos = roles_of(user).orgs(Role.EPAO_ADMIN)
    return Q(epao_id__in=epaos) | Q(epao__isnull=True, enrolment__epao_id__in=epaos)


def outbox_for(user: User, *, state: str = "") -> QuerySet[OutboxMessage]:
    """The messages of the admin's EPAOs, newest first; `state` narrows to one state."""
    messages = OutboxMessage.objects.filter(administered_by(user))
    if state in OutboxMessage.State.values:
        messages = messages.filter(state=state)
    return messages.select_related("enrolment__apprentice").order_by("-created_at", "-id")


def needing_attention_for(user: User) -> QuerySet[OutboxMessage]:
    return outbox_for(user).filter(state__in=NEEDS_ATTENTION)


# In-app notices (issue 17 §6): each user's own, never anyone else's.

#: The notices page counts unread notices up to this many ("more than 99" beyond), so
#: counting reads at most this many index entries however many a user has left unread.
UNREAD_SHOWN_UP_TO = 99


def notices_for(user: User) -> QuerySet[InAppNotice]:
    """The user's notices, newest first (index notices_by_user)."""
    return InAppNotice.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    """How many of the user's notices are unread, counted up to UNREAD_SHOWN_UP_TO + 1."""
    unread = InAppNotice.objects.filter(user_id=user.pk, read_at__isnull=True)
    return unread.order_by()[: UNREAD_SHOWN_UP_TO + 1].count()


def emails_for_audit(user: User, filters: AuditFilters) -> QuerySet[OutboxMessage]:
    """The emails the admin's EPAOs sent, under the audit log's filters, newest first by the
    moment each was sent (index outbox_sent_newest; `at` names it as the log's other records
    name theirs). The person is the recipient's address; none when the log is narrowed to
    another record's kind."""
    if filters.kind and not filters.kind.startswith(EMAIL_KIND):
        return OutboxMessage.objects.none()
    messages = (
        OutboxMessage.objects.filter(administered_by(user), state=OutboxMessage.State.SENT)
        .alias(at=F("sent_at"))
        .filter(when(filters))
    )
    for word in filters.person:
        messages = messages.filter(recipient__icontains=word)
    if not filters.apprentice.empty:
        named = apprentice_matches(filters.apprentice, "enrolment__apprentice__")
        if filters.apprentice.number is not None:
            named = Q(enrolment_id=filters.apprentice.number)
        messages = messages.filter(named)
    # Only what an entry shows: the bodies, the calendar file and the attachments' list
    # are most of a row's bytes, and a page read 51 rows of them for nothing.
    return (
        messages.select_related("enrolment__apprentice")
        .only(*AUDIT_EMAIL_FIELDS)
        .order_by("-at", "-id")
    )


#: What the audit log's entry of an email reads (openepa.web.audit).
AUDIT_EMAIL_FIELDS = (
    "sent_at",
    "subject",
    "recipient",
    "enrolment",
    "enrolment__apprentice__given_name",
    "enrolment__apprentice__family_name",
    "enrolment__apprentice__uln",
)


#: How many of their recent downloads a user's list of downloads shows.
RECENT_DOWNLOADS = 25


def recent_downloads(user: User) -> QuerySet[PreparedDownload]:
    """The user's own prepared downloads, newest first, RECENT_DOWNLOADS at most (index
    downloads_by_user)."""
    return PreparedDownload.objects.filter(user_id=user.pk).order_by("-created_at", "-id")[
        :RECENT_DOWNLOADS
    ]
