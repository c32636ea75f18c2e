"""A staff list's download by name, now or prepared in the background.

Each list that downloads has a named source: a function of (user, GET parameters) that
checks the user may see the list (Http404 otherwise) and gives its `Listing`: the file's
name, the sheet's title, the columns and the rows in the page's order, not yet read. The
view and the worker both call it, so a download prepared in the background holds what the
requester would have streamed, read with the requester's own access at the time it runs.

A list of more than OPENEPA_DOWNLOAD_NOW_ROWS rows is not streamed: at 100,000 apprentices
the whole pipeline took 1.7 s (CSV) and 2.4 s (XLSX) of a web worker, the admin's whole
audit log 53 s, close to the web server's timeout. The page says so and offers to prepare
it (a POST, to the notifications context, which records it and queues the worker). Whether
a list is that long is counted cheaply: each of its queries counts at most limit + 1 rows
(`SELECT COUNT(*) FROM (... LIMIT n)`), never all of them.

The registry is generic in the user type so that this package imports no context; its one
instance, typed with the app's User, is `openepa.accounts.downloads.SOURCES`. Each context
registers its sources when its app is ready, so the worker (which loads no URLs) has them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponseBase, QueryDict, StreamingHttpResponse
from django.shortcuts import render

from openepa.core.exports import (
    CHUNK,
    CSV,
    XLSX,
    Column,
    Row,
    attachment,
    content_type,
    pieces,
)

#: Each format's name as the page says it.
FORMAT_WORDS = {CSV: "CSV", XLSX: "XLSX"}


class Listing:
    """A list's download as its source built it for one user, not yet read.

    `counted` are the queries whose rows make the file (one for most lists, one per table
    for the audit log), for the capped count; `rows` reads them once, in order. Each counted
    row makes `lines_each` rows of the file (four for an assessor of the consistency
    report: overall and each method)."""

    def __init__[R](
        self,
        *,
        filename: str,
        title: str,
        columns: Sequence[Column[R]],
        rows: Iterable[R],
        counted: Sequence[QuerySet[Model, object]],
        lines_each: int = 1,
    ) -> None:
        self.filename = filename
        self.title = title
        self.counted = tuple(counted)
        self.lines_each = lines_each
        #: How many rows the file held, once it is written.
        self.rows_read = 0

        def write(fmt: str) -> Iterator[str | bytes]:
            return pieces(fmt, columns, self._counting(rows), title=title)

        self._write = write

    @staticmethod
    def of_query(
        rows: QuerySet[Model, object],
        fields: Sequence[str],
        *,
        filename: str,
        title: str,
        columns: Sequence[Column[Row]],
    ) -> Listing:
        """A list read from one query: its `fields` as plain values, a chunk at a time (the
        form every list but the audit log's takes), and the same query counted."""
        values: Iterator[Row] = rows.values(*fields).iterator(CHUNK)
        return Listing(
            filename=filename,
            title=title,
            columns=columns,
            rows=values,
            counted=(rows,),
        )

    def _counting[R](self, rows: Iterable[R]) -> Iterator[R]:
        """The rows, counted as they are read; the source closed as soon as the file stops,
        finished or not. A download the client leaves halfway must close the rows' server-side
        cursor there and then: left to the cycle collector (this Listing and its closures
        refer to each other), the cursor would be closed at whatever moment the collector ran,
        possibly inside a later query of the same connection, whose lock it then waits for
        for ever (seen under load: both web workers hung until the server killed them)."""
        source = iter(rows)
        try:
            for row in source:
                self.rows_read += 1
                yield row
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    def pieces(self, fmt: str) -> Iterator[str | bytes]:
        """The file in `fmt`, a piece at a time (CSV text, XLSX bytes)."""
        return self._write(fmt)

    def file_name(self, fmt: str) -> str:
        return f"{self.filename}.{fmt}"

    def response(self, fmt: str) -> HttpResponseBase:
        """The file streamed as the response, as `export_response` streams it."""
        fmt = XLSX if fmt == XLSX else CSV
        response = StreamingHttpResponse(self.pieces(fmt), content_type=content_type(fmt))
        return attachment(response, self.file_name(fmt))

    def more_rows_than(self, limit: int) -> bool:
        """Whether the file would hold more than `limit` rows: each query counts at most
        what is still needed to pass the limit, without ordering (any limit + 1 rows do)."""
        wanted = limit + 1
        each = self.lines_each
        for rows in self.counted:
            needed = -(-wanted // each)  # the counted rows that make `wanted` lines, rounded up
            wanted -= each * rows.order_by().values("pk")[:needed].count()
            if wanted <= 0:
                return True
        return False


type Build[U] = Callable[[U, QueryDict], Listing]


class Sources[U]:
    """The lists that download, by name."""

    def __init__(self) -> None:
        self._builds: dict[str, Build[U]] = {}

    def register(self, name: str) -> Callable[[Build[U]], Build[U]]:
        """`@SOURCES.register("pipeline")` over a source: its name is stored with each
        prepared download, so never rename one."""

        def add(build: Build[U]) -> Build[U]:
            self._builds[name] = build
            return build

        return add

    def __contains__(self, name: object) -> bool:
        return name in self._builds

    def build(self, name: str, user: U, params: QueryDict) -> Listing:
        """The list `name` as `user` may see it under `params` (Http404 if they may not;
        KeyError for a name no context registered)."""
        return self._builds[name](user, params)

    def download(self, request: HttpRequest, user: U, name: str, fmt: str) -> HttpResponseBase:
        """A list's download view: the file streamed when it holds at most
        OPENEPA_DOWNLOAD_NOW_ROWS rows; otherwise a page offering to prepare it in the
        background (a GET creates nothing)."""
        listing = self.build(name, user, request.GET)
        limit: int = settings.OPENEPA_DOWNLOAD_NOW_ROWS
        if not listing.more_rows_than(limit):
            return listing.response(fmt)
        fmt = XLSX if fmt == XLSX else CSV
        return render(
            request,
            "core/prepare_download.html",
            {
                "title": listing.title,
                "limit": f"{limit:,}",
                "source": name,
                "fmt": fmt,
                "format_words": FORMAT_WORDS[fmt],
                "query": request.GET.urlencode(),
                "keep_days": settings.OPENEPA_DOWNLOAD_KEEP_DAYS,
            },
        )
