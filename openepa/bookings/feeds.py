"""Private calendar feeds: an iCalendar URL per assessor and per EPAO (for its admins) that
Outlook, Google Calendar or Apple Calendar subscribe to.

A calendar app cannot sign in, so the token in the URL is the secret. The database keeps
only its SHA-256 hash; the token is an HMAC of the server's SECRET_KEY and the feed's random
nonce, so the owner can see it again, a copy of the database alone reveals no feed, and a new
nonce (regenerate) revokes the old URL at once. Rotating SECRET_KEY revokes every feed."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from base64 import urlsafe_b64encode
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.bookings.ical import summary_of, vcalendar, vevent
from openepa.bookings.models import Booking, CalendarFeed
from openepa.core.refusals import ActionRefused

#: What a feed carries: bookings from a fortnight ago (so cancelled events stay long enough
#: for every client's refresh to remove them) to about three months ahead, at most this
#: many events (the nearest first). Calendar apps refresh feeds every few hours.
FEED_PAST = timedelta(days=14)
FEED_AHEAD = timedelta(days=92)
FEED_MAX_EVENTS = 3000

_ROLE = {CalendarFeed.Scope.ASSESSOR: Role.ASSESSOR, CalendarFeed.Scope.EPAO: Role.EPAO_ADMIN}


def token_of(feed: CalendarFeed) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"calendar-feed:{feed.nonce}".encode(), hashlib.sha256
    ).digest()
    return urlsafe_b64encode(digest).decode().rstrip("=")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_hold(user: User, epao_id: int, scope: str) -> bool:
    """An assessor holds a feed of their own bookings, an admin one of the EPAO's."""
    return epao_id in roles_of(user).orgs(_ROLE[CalendarFeed.Scope(scope)])


def feeds_of(user: User) -> dict[tuple[int, str], CalendarFeed]:
    """The user's feeds by (EPAO id, scope)."""
    return {(f.epao_id, f.scope): f for f in CalendarFeed.objects.filter(owner_id=user.pk)}


def do_regenerate_calendar_feed(*, actor: User, epao_id: int, scope: str) -> CalendarFeed:
    """Create the actor's feed, or give it a new token: the old URL stops working at once."""
    if scope not in CalendarFeed.Scope.values or not may_hold(actor, epao_id, scope):
        raise ActionRefused("You cannot have that calendar feed.")
    nonce = secrets.token_hex(32)
    with transaction.atomic():
        feed = (
            CalendarFeed.objects.select_for_update()
            .filter(owner_id=actor.pk, epao_id=epao_id, scope=scope)
            .first()
        )
        if feed is None:
            feed = CalendarFeed(owner_id=actor.pk, epao_id=epao_id, scope=scope)
        feed.nonce = nonce
        feed.token_hash = _hash(token_of(feed))
        try:
            with transaction.atomic():
                feed.save()
        except IntegrityError as exc:  # two clicks at once: the other one won
            raise ActionRefused("The feed was changed at the same time; reload the page.") from exc
    return feed


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed whose token this is, while its owner still holds the role it needs."""
    if not 20 <= len(token) <= 100:
        return None
    feed = CalendarFeed.objects.select_related("owner", "epao").filter(token_hash=_hash(token))
    found = feed.first()
    if found is None or not may_hold(found.owner, found.epao_id, found.scope):
        return None
    return found


def feed_bookings(feed: CalendarFeed) -> list[Booking]:
    """The events of a feed: one per reschedule chain (its latest booking in the feed's
    reach), cancelled ones included so calendar apps remove them."""
    now = timezone.now()
    rows = Booking.objects.filter(
        enrolment__epao_id=feed.epao_id,
        starts_at__gte=now - FEED_PAST,
        starts_at__lte=now + FEED_AHEAD,
    )
    if feed.scope == CalendarFeed.Scope.ASSESSOR:
        rows = rows.filter(assessor_id=feed.owner_id)
    rows = rows.select_related("enrolment__apprentice", "assessor").order_by("starts_at", "id")
    latest: dict[int, Booking] = {}
    for booking in rows[:FEED_MAX_EVENTS]:
        series = booking.series_id_or_own
        if series not in latest or latest[series].pk < booking.pk:
            latest[series] = booking
    return sorted(latest.values(), key=lambda b: (b.starts_at, b.pk))


def feed_text(feed: CalendarFeed, url_of: Callable[[Booking], str]) -> str:
    stamp = timezone.now()
    events = []
    for booking in feed_bookings(feed):
        cancelled = booking.status == Booking.Status.CANCELLED
        details = [f"{booking.get_kind_display()}, attempt {booking.attempt_number}"]
        if feed.scope == CalendarFeed.Scope.EPAO:
            details.append(f"Assessor: {booking.assessor}")
        if cancelled and booking.cancelled_reason:
            details.append(f"Cancelled: {booking.cancelled_reason}")
        events.append(
            vevent(
                booking,
                summary=summary_of(booking),
                cancelled=cancelled,
                stamp=stamp,
                description="\n".join(details),
                url=url_of(booking),
            )
        )
    name = "My assessments" if feed.scope == CalendarFeed.Scope.ASSESSOR else "Assessments"
    return vcalendar(events, name=f"{name} — {feed.epao.name} (OpenEPA)")
