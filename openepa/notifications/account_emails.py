"""Emails about a person's own account (a password-reset link, a two-factor setup link):
through the outbox and the worker like every other email, so a mail server that is down
delays them (retried with backoff) instead of losing them inside the web request.

Their text carries a link that signs its holder in as the recipient, so it is stored only
in the message's body, which the outbox page never shows (OutboxMessage.is_account_email):
an admin sees that such an email was sent, to whom and with what outcome, not its link.

The accounts context writes them through the hook it defines (openepa.accounts.mail); this
module provides it from the notifications AppConfig.ready."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction

from openepa.accounts.models import Membership, User
from openepa.notifications.models import OutboxMessage
from openepa.notifications.notices import account_target, add_notice
from openepa.notifications.tasks import queue_sends
from openepa.organisations.models import Organisation


def epao_of(user: User) -> int | None:
    """The EPAO whose admins see the person's account emails: the EPAO they work for, if
    any (the first one by id, for someone working for two)."""
    return (
        Membership.objects.filter(user=user, organisation__kind=Organisation.Kind.EPAO)
        .order_by("organisation_id")
        .values_list("organisation_id", flat=True)
        .first()
    )


def queue_account_email(*, user: User, kind: str, subject: str, text: str) -> OutboxMessage:
    """Write the email and queue its send once the current transaction commits."""
    with transaction.atomic():
        message = OutboxMessage.objects.create(
            kind=kind,
            key=f"account:{kind}:{user.pk}:{uuid.uuid4().hex}",
            recipient=user.email,
            subject=" ".join(subject.split())[:255],
            text_body=text,
            html_body="",
            enrolment=None,
            epao_id=epao_of(user),
        )
        add_notice(message, user=user, url=account_target(kind))
        queue_sends([message.pk])
    return message


class OutboxAccountMail:
    """openepa.accounts.mail.AccountMail through the outbox."""

    def queue(self, *, user: User, kind: str, subject: str, text: str) -> None:
        queue_account_email(user=user, kind=kind, subject=subject, text=text)

    def sent_since(self, *, user: User, kind: str, since: datetime) -> bool:
        return OutboxMessage.objects.filter(
            kind=kind, recipient=user.email, created_at__gte=since
        ).exists()
