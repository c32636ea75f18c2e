"""Page composition: a later context adds a section to an earlier context's page without
the earlier one importing it (the booking page shows the reasonable adjustments the cases
context approved; the submitted marking sheet shows the IQA's signed-off review). The page's
own context declares a `PageSections` for its subject; the later context adds a part from
its AppConfig.ready; the view merges the parts into its template context."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.http import HttpRequest

#: One section: the template variables it contributes for this request and subject.
type Part[S] = Callable[[HttpRequest, S], Mapping[str, object]]


class PageSections[S]:
    """The sections later contexts add to one kind of page about an `S`."""

    def __init__(self) -> None:
        self._parts: list[Part[S]] = []

    def add(self, part: Part[S]) -> None:
        """Add `part` to every such page (once, however often asked)."""
        if part not in self._parts:
            self._parts.append(part)

    def context(self, request: HttpRequest, subject: S) -> dict[str, object]:
        found: dict[str, object] = {}
        for part in self._parts:
            found.update(part(request, subject))
        return found
