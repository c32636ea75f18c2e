"""In-app notices (issue 17 §6): every email written to the outbox for someone who has an
account is also written as an InAppNotice for that user, in the same transaction as the
outbox row (`openepa.notifications.compose.write` and `account_emails.queue_account_email`
call `add_notice`), so the notices page never lags behind, nor holds a notice for an email
that was rolled back. Each notice links to the page its email is about, chosen here when
the email is written."""

from __future__ import annotations

from collections import Counter

from django.db.models import F, Value
from django.db.models.functions import Greatest, Upper
from django.urls import reverse

from openepa.accounts.models import User
from openepa.bookings.models import Booking
from openepa.notifications.kinds import Audience
from openepa.notifications.models import InAppNotice, OutboxMessage


def user_for(email: str) -> User | None:
    """The active user whose address this is; None for someone without an account (an
    apprentice with no login is emailed at the address recorded at registration)."""
    return User.objects.filter(email__iexact=email, is_active=True).order_by("pk").first()


def users_for(emails: list[str]) -> dict[str, User]:
    """user_for of each address, in one query: by the address as given, those with an
    account only."""
    wanted = {email.upper(): email for email in emails}
    found: dict[str, User] = {}
    users = (
        User.objects.annotate(address=Upper("email"))
        .filter(address__in=list(wanted), is_active=True)
        .order_by("-pk")  # the first (lowest pk) of two accounts with one address wins
    )
    for user in users:
        found[wanted[user.email.upper()]] = user
    return found


def event_target(
    *,
    audience: Audience,
    enrolment_id: int,
    result_id: int | None,
    booking: Booking | None,
    previous: Booking | None,
) -> str:
    """The page an event's email is about, as its recipient can open it: the result when
    the email is about one; for an assessor the booking (an assessor sees bookings, not the
    apprentice's record); otherwise the apprentice's record."""
    if audience == Audience.PREVIOUS_ASSESSOR and previous is not None:
        return reverse("bookings:detail", kwargs={"booking_id": previous.pk})
    if audience == Audience.ASSESSOR and booking is not None:
        return reverse("bookings:detail", kwargs={"booking_id": booking.pk})
    if result_id is not None and audience != Audience.ASSESSOR:
        return reverse("results:detail", kwargs={"result_id": result_id})
    return reverse("enrolments:detail", kwargs={"enrolment_id": enrolment_id})


def account_target(kind: str) -> str:
    """An account email (password reset, two-factor set-up) carries a sign-in link that is
    the email's alone; the notice links to the page about the same thing, never that link."""
    if "two_factor" in kind:
        return reverse("accounts:two_factor")
    return reverse("accounts:password_reset")


def add_notice(message: OutboxMessage, *, user: User | None, url: str) -> InAppNotice | None:
    """The notice of `message` for `user` (once: a message has at most one notice)."""
    if user is None:
        return None
    notice, created = InAppNotice.objects.get_or_create(
        message=message,
        defaults={"user": user, "kind": message.kind, "title": message.subject, "url": url},
    )
    if created:
        User.objects.filter(pk=user.pk).update(unread_notices=F("unread_notices") + 1)
    return notice


def add_own_notice(user_id: int, *, kind: str, title: str, url: str) -> InAppNotice:
    """A notice that is no email: something the app did for the user alone (a download
    prepared in the background), counted as unread like any other."""
    notice = InAppNotice.objects.create(user_id=user_id, kind=kind, title=title, url=url)
    User.objects.filter(pk=user_id).update(unread_notices=F("unread_notices") + 1)
    return notice


def add_new_notices(notices: list[tuple[OutboxMessage, User, str]]) -> None:
    """add_notice for messages written just now, so without a notice yet: (message, user,
    url) each, in one insert and one count update per user."""
    InAppNotice.objects.bulk_create(
        InAppNotice(user=user, message=message, kind=message.kind, title=message.subject, url=url)
        for message, user, url in notices
    )
    for user_id, count in Counter(user.pk for _, user, _ in notices).items():
        User.objects.filter(pk=user_id).update(unread_notices=F("unread_notices") + count)


def marked_read(user: User, count: int) -> None:
    """Take `count` notices just marked read off the user's unread count (never below 0)."""
    if count:
        User.objects.filter(pk=user.pk).update(
            unread_notices=Greatest(F("unread_notices") - count, Value(0))
        )
