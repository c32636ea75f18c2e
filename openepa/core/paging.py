"""Bounded page-numbered lists: Django's Paginator, but its count reads at most `cap + 1`
rows (``SELECT COUNT(*) FROM (… LIMIT cap + 1)``) and only the pages within the cap are
offered, so neither the count nor the deepest OFFSET grows with the table. Past the cap the
page says "more than N" and the list's filters narrow it. For lists that must reach every
row however long, keyset pagination (openepa.core.keyset)."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import Model, QuerySet

#: The most rows a capped list counts or pages through.
CAP = 1000


class CappedPaginator[T](Paginator[T]):
    def __init__(self, object_list: QuerySet[Model, T], per_page: int, *, cap: int = CAP) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def found(self) -> int:
        """Rows counted, at most cap + 1 (one more than the cap: there are more)."""
        first = self.object_list[: self.cap + 1]
        return first.count() if isinstance(first, QuerySet) else len(first)

    @cached_property
    def count(self) -> int:
        return min(self.found, self.cap)

    @property
    def capped(self) -> bool:
        """More rows than the cap: the count shown is "more than" it."""
        return self.found > self.cap


class CountedPaginator[T](Paginator[T]):
    """Django's Paginator given the count instead of counting: for a list whose count is
    kept a short while (openepa.core.kept). A count behind by a row or two for that while
    leaves a row off the last page, or the last page a row short, until it is counted again."""

    def __init__(self, object_list: QuerySet[Model, T], per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known = count

    @cached_property
    def count(self) -> int:
        return self.known
