"""Figures about a whole EPAO, counted once and kept for a short time (the admin home's
EPAO part, the consistency report's EPAO totals): at 100,000 apprentices they cost tens of
milliseconds of queries, and they are the same for everyone who looks at the same EPAOs
within a minute.

Kept in Django's cache for OPENEPA_HOME_FIGURES_SECONDS (0 counts them for every
request). The cache is each process's own memory (settings.CACHES: hosts share nothing but
the database), so the time must stay short; the pages say when what they show was counted.
A user who has changed something since it was counted gets it counted again, so their own
change shows at once and a colleague's within the time.

When the user last changed something is noted in their session by the web shell's
middleware (openepa.web.changes) after a writing request answered with a redirect;
`changed_at` reads it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

#: The session key holding the moment of the user's latest change, in seconds since the
#: epoch (written by openepa.web.changes.RememberChangesMiddleware).
CHANGED_AT = "openepa_changed_at"


def changed_at(request: HttpRequest) -> datetime | None:
    """When the user last changed something in this session, if they have."""
    seconds = request.session.get(CHANGED_AT)
    if not isinstance(seconds, int | float):
        return None
    return datetime.fromtimestamp(seconds, tz=UTC)


@dataclass(frozen=True)
class Counted[T]:
    """What was counted, and when the counting began (whatever was committed before that
    moment is in)."""

    value: T
    counted_at: datetime


def kept[T](
    key: str, count: Callable[[], T], *, changed_since: Callable[[datetime], bool]
) -> Counted[T]:
    """`count()` from the cache when it was counted within OPENEPA_HOME_FIGURES_SECONDS and
    `changed_since(counted_at)` is false; else counted now (and kept)."""
    seconds = settings.OPENEPA_HOME_FIGURES_SECONDS
    if seconds:
        found: Counted[T] | None = cache.get(key)
        if found is not None and not changed_since(found.counted_at):
            return found
    began = timezone.now()
    counted = Counted(value=count(), counted_at=began)
    if seconds:
        cache.set(key, counted, seconds)
    return counted


def changed_after(
    changed: datetime | None, acted: Callable[[], datetime | None] | None = None
) -> Callable[[datetime], bool]:
    """`changed_since` for `kept`: whether the user changed something at or after a moment,
    through a page (`changed`, from `changed_at`) or, with `acted`, through the work a worker
    did for them (when they last did, read only when the session says nothing)."""

    def since(counted_at: datetime) -> bool:
        if changed is not None and changed >= counted_at:
            return True
        last = acted() if acted is not None else None
        return last is not None and last >= counted_at

    return since


def recounted_every(seconds: int | None = None) -> str:
    """How often what is kept is counted again (OPENEPA_HOME_FIGURES_SECONDS unless given),
    in words ("minute", "5 minutes", "30 seconds"); empty when it is counted for every
    request."""
    if seconds is None:
        seconds = settings.OPENEPA_HOME_FIGURES_SECONDS
    if not seconds:
        return ""
    if seconds % 60:
        return f"{seconds} seconds"
    minutes = seconds // 60
    return "minute" if minutes == 1 else f"{minutes} minutes"
