"""The benchmark's URLs (OpenEPA's, plus the bare view) and its query-counting middleware,
used only by benchmarks/bench_settings.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

#: The response header that carries the request's query count.
QUERIES_HEADER = "X-Bench-Queries"


def bare(request: HttpRequest) -> HttpResponse:
    """The baseline: a view that does nothing, behind the same middleware and server."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("openepa.urls")),
]


class CountQueriesMiddleware:
    """Counts the database queries of each request (session, sign-in and view alike) and
    reports them in a response header. A streamed body's queries are not counted."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counted(execute: Callable[..., Any], *args: Any) -> Any:
            nonlocal count
            count += 1
            return execute(*args)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response[QUERIES_HEADER] = str(count)
        return response
