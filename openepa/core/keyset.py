"""Keyset pagination: a page of a long list read from where the previous page ended, on an
indexed sort key, so page 4,000 costs what page 1 costs (no OFFSET, no sort of the whole
table). Links carry a cursor (the sort key of the row the page starts after or ends before)
instead of a page number; the rows are ordered by `keys`, whose last one must be unique
(the primary key), so every row is on exactly one page.

The total, when the caller knows it cheaply, is shown beside the links; it is never counted
here."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Model, Q, QuerySet

#: Query-string names of the two cursors.
AFTER = "after"
BEFORE = "before"


@dataclass(frozen=True)
class KeysetPage[M: Model]:
    rows: list[M]
    has_next: bool
    has_previous: bool
    #: Cursors for the next and previous links ("" when there is no such page).
    next_cursor: str = ""
    previous_cursor: str = ""
    #: How many rows the whole list holds, when known.
    total: int | None = None
    #: Ordinal of the first row shown, when known (the first page starts at 1).
    first: int | None = field(default=None)

    def __iter__(self) -> Iterator[M]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def encode(values: Sequence[object]) -> str:
    plain = [v.isoformat() if isinstance(v, date | datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str | None, length: int) -> list[str | int] | None:
    """The key values in a cursor; None for a missing or damaged one (a hand-edited link
    then shows the first page rather than an error)."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    if not isinstance(values, list) or len(values) != length:
        return None
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
        return None
    return values


def _beyond(keys: Sequence[str], values: Sequence[object], *, forward: bool) -> Q:
    """Rows strictly after (or before) `values` in the order of `keys`: the row comparison
    (k1, k2, …) > (v1, v2, …) spelt out, led by k1 >= v1 so that the database reads the
    index from the cursor on."""
    op, op_eq = ("gt", "gte") if forward else ("lt", "lte")
    ties = Q()
    beyond = Q()
    for key, value in zip(keys, values, strict=True):
        beyond |= ties & Q(**{f"{key}__{op}": value})
        ties &= Q(**{key: value})
    return Q(**{f"{keys[0]}__{op_eq}": values[0]}) & beyond


def _key_of(row: Model, key: str) -> object:
    value: object = row
    for part in key.split("__"):
        value = getattr(value, part)
    return value


def _read[M: Model](cut: QuerySet[M], rows: QuerySet[M] | None, order: Sequence[str]) -> list[M]:
    """The rows of `cut` (ordered and sliced), or those of `rows` with its primary keys."""
    if rows is None:
        return list(cut)
    return list(rows.filter(pk__in=cut.values("pk")).order_by(*order))


def keyset_page[M: Model](
    queryset: QuerySet[M],
    keys: Sequence[str],
    *,
    after: str | None = None,
    before: str | None = None,
    size: int = 25,
    total: int | None = None,
    rows: QuerySet[M] | None = None,
) -> KeysetPage[M]:
    """The `size` rows after the `after` cursor (or before the `before` one; the first page
    without either), in the order of `keys`. At most `size + 1` rows are read.

    With `rows`, the page is found in `queryset` by its primary keys alone and its rows are
    then read from `rows` (which must annotate the same `keys`), in one query: the database
    sorts and cuts the bare matches, and joins what a row shows (and works out its
    annotations) for the page's rows only, not for every match before the sort."""
    start = decode(after, len(keys))
    end = None if start is not None else decode(before, len(keys))
    if end is not None:
        descending = [f"-{k}" for k in keys]
        behind = queryset.filter(_beyond(keys, end, forward=False)).order_by(*descending)
        found = _read(behind[: size + 1], rows, descending)
        if len(found) <= size:  # back at the start: the first page, as first shown
            return keyset_page(queryset, keys, size=size, total=total, rows=rows)
        shown = list(reversed(found[:size]))
        return KeysetPage(
            rows=shown,
            has_next=True,
            has_previous=True,
            next_cursor=encode([_key_of(shown[-1], k) for k in keys]),
            previous_cursor=encode([_key_of(shown[0], k) for k in keys]),
            total=total,
        )
    ordered = queryset.order_by(*keys)
    if start is not None:
        ordered = ordered.filter(_beyond(keys, start, forward=True))
    found = _read(ordered[: size + 1], rows, keys)
    shown = found[:size]
    has_next = len(found) > size
    return KeysetPage(
        rows=shown,
        has_next=has_next,
        has_previous=start is not None,
        next_cursor=encode([_key_of(shown[-1], k) for k in keys]) if has_next else "",
        previous_cursor=encode([_key_of(shown[0], k) for k in keys])
        if start is not None and shown
        else "",
        total=total,
        first=1 if start is None else None,
    )


def listed_page[M: Model](
    listed: Sequence[Sequence[object]],
    rows: QuerySet[M],
    *,
    after: str | None = None,
    before: str | None = None,
    size: int = 25,
) -> KeysetPage[M] | None:
    """The page `keyset_page` would give, of a list already read whole as its rows' keys in
    order (`listed`, each the values of the sort keys, the primary key last): the page's
    rows are then read from `rows` by their primary keys. A short list matched by a search
    is read so once and counted from the same read, rather than counted, then sorted again
    for the page. The cursors are `keyset_page`'s, so its links work here and back.

    None when the cursor names a row no longer in the list (changed since the link was
    made): the caller then reads the page by keyset, which finds where it falls."""
    if not listed:
        return KeysetPage(rows=[], has_next=False, has_previous=False, total=0, first=1)
    start = decode(after, len(listed[0]))
    end = None if start is not None else decode(before, len(listed[0]))
    cursor = start if start is not None else end
    at = 0
    if cursor is not None:
        found = next((i for i, keys in enumerate(listed) if keys[-1] == cursor[-1]), None)
        if found is None:
            return None
        at = found + 1 if start is not None else max(found - size, 0)
        if end is not None and found <= size:  # back at the start: the first page
            cursor, at = None, 0
    keys = listed[at : at + size]
    by_pk = {row.pk: row for row in rows.filter(pk__in=[k[-1] for k in keys])}
    shown = [by_pk[k[-1]] for k in keys if k[-1] in by_pk]
    has_next = at + size < len(listed)
    has_previous = cursor is not None
    return KeysetPage(
        rows=shown,
        has_next=has_next,
        has_previous=has_previous,
        next_cursor=encode(keys[-1]) if has_next and keys else "",
        previous_cursor=encode(keys[0]) if has_previous and keys else "",
        total=len(listed),
        first=at + 1,
    )
