"""Reads of the outbox, scoped to the EPAOs the user administers."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.notifications.models import OutboxMessage

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
