"""When the signed-in user last changed something, kept in their session, so their home page
shows their own change at once while the EPAO's lists are kept for a minute
(openepa.web.dashboards).

A change is a writing request (any method but the safe ones) answered with a redirect: every
action's form posts, and on success redirects to what it changed (post/redirect/get). A
form shown again with its errors, or a preview (the marking sheet posts one as the assessor
types, to show the grade it would give), changed nothing and is not noted: noting them would
save the session on every keystroke of a sheet. An action that answers a page instead of a
redirect still shows within the minute, or at once when it recorded a journey event.

The moment (openepa.core.kept.CHANGED_AT) is written after the view has answered, so after
its transaction committed: a home page counted from then on sees the change. (A moment taken
before the view ran could precede a count that started during the change and missed it.) The
session is read by every signed-in request anyway, so the home page pays nothing to read it;
only the requests that change something save it once more."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from openepa.core.kept import CHANGED_AT

#: Requests that change nothing (RFC 9110's safe methods).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class RememberChangesMiddleware:
    """After a signed-in user's writing request answered with a redirect, notes the moment
    in their session. A sign-in is not noted (the user was not signed in when it began), nor
    a sign-out (they are not after it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        acting = request.method not in SAFE_METHODS and request.user.is_authenticated
        response = self.get_response(request)
        if acting and 300 <= response.status_code < 400 and request.user.is_authenticated:
            request.session[CHANGED_AT] = time.time()
        return response
