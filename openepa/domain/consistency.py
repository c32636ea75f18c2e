"""Consistency of assessors' decisions: grade rates beside the EPAO's, and outliers.

Seed 003 §9 ("Delivering consistent (reliable) judgements"; internal quality assurance
monitors "the independent assessment team") asks EPAOs to watch consistency but sets no
number. The outlier rule below is OpenEPA's default, named once so that it can be read,
tested and changed in one place. Pure functions: no database, no Django.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from openepa.domain.standard import Grade

#: An assessor's rate of a grade further than this many percentage points from the EPAO's
#: rate marks them as an outlier...
OUTLIER_POINTS = 20
#: ...once they have at least this many graded decisions (fewer say too little).
OUTLIER_MIN_DECISIONS = 5

GRADES = (Grade.PASS, Grade.DISTINCTION, Grade.FAIL)


@dataclass(frozen=True)
class Tally:
    """Decisions (submitted marking sheets) and how many gave each grade. A sheet whose
    observation criteria await the discussion has no grade yet: counted, not graded."""

    decisions: int
    counts: tuple[tuple[Grade, int], ...]

    # Worked out once a tally: a page of the report asks each tally for its rates about
    # ten times (its cells, the outlier rule), and summed the counts afresh each time.
    @cached_property
    def graded(self) -> int:
        return sum(n for _, n in self.counts)

    @cached_property
    def _by_grade(self) -> dict[Grade, int]:
        return dict(self.counts)

    def count(self, grade: Grade) -> int:
        return self._by_grade.get(grade, 0)

    def rate(self, grade: Grade) -> float | None:
        """Percentage of graded decisions with this grade; None with none graded."""
        return 100 * self.count(grade) / self.graded if self.graded else None


def tally(grades: Iterable[Grade | None]) -> Tally:
    seen = list(grades)
    counter = Counter(g for g in seen if g is not None)
    return Tally(decisions=len(seen), counts=tuple((g, counter[g]) for g in GRADES))


def outlying_grades(assessor: Tally, epao: Tally) -> list[Grade]:
    """The grades whose rate for the assessor is more than OUTLIER_POINTS percentage points
    from the EPAO's, when the assessor has at least OUTLIER_MIN_DECISIONS graded decisions."""
    if assessor.graded < OUTLIER_MIN_DECISIONS or not epao.graded:
        return []
    out = []
    for grade in GRADES:
        mine, theirs = assessor.rate(grade), epao.rate(grade)
        if mine is not None and theirs is not None and abs(mine - theirs) > OUTLIER_POINTS:
            out.append(grade)
    return out
