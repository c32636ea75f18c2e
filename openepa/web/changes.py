"""When the signed-in user last changed something, kept in their session, so their home page
shows their own change at once while the EPAO's lists are kept for a minute
(openepa.web.dashboards).

The moment is written after the view has answered, so after its transaction committed: a
home page counted from then on sees the change. (A moment taken before the view ran could
precede a count that started during the change and missed it.) Any request that may write
counts, whatever it changed (a gateway decision, a booking, an email sent again, an assessor's
profile, an export): at worst the next home page is counted once more than needed. The
session is read by every signed-in request anyway, so the home page pays nothing to read it;
only the requests that write save it once more."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponseBase

#: The session key holding the moment, in seconds since the epoch.
CHANGED_AT = "openepa_changed_at"
#: Requests that change nothing (RFC 9110's safe methods).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class RememberChangesMiddleware:
    """After a signed-in user's request that may have changed something (any method but the
    safe ones) and did not fail, notes the moment in their session. A sign-in is not noted
    (the user was not signed in when it began), nor a sign-out (they are not after it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        acting = request.method not in SAFE_METHODS and request.user.is_authenticated
        response = self.get_response(request)
        if acting and response.status_code < 400 and request.user.is_authenticated:
            request.session[CHANGED_AT] = time.time()
        return response


def changed_at(request: HttpRequest) -> datetime | None:
    """When the user last changed something in this session, if they have."""
    seconds = request.session.get(CHANGED_AT)
    if not isinstance(seconds, int | float):
        return None
    return datetime.fromtimestamp(seconds, tz=UTC)
