"""Rules that change on a date: which version of a rule is in force on a given day.

The seeds were written before some national rules changed (DESIGN.md §3 "Rules that changed
after the seeds were written"): an EPAO's published rule applies until a change takes
effect, and each change says from which day it applies, which day of the apprentice's
journey that day is compared with (the gateway date, the start date or the assessment date,
as its source says) and where it comes from (document title, publisher, date). A decision
already made keeps the rule it was made under: callers pass the day of that decision, and
the gateway records the eligibility it decided on instead of recomputing it.

Pure: no Django. A rule block of a policy or standard file carries ``changes:``, a list of
dated versions of the block (openepa/policies/loader.py, openepa/standards/loader.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class ComparedWith(StrEnum):
    """The day of the journey a change's start date is compared with."""

    GATEWAY_DATE = "gateway_date"
    START_DATE = "start_date"
    ASSESSMENT_DATE = "assessment_date"

    @property
    def words(self) -> str:
        return COMPARED_WITH_WORDS[self]


COMPARED_WITH_WORDS = {
    ComparedWith.GATEWAY_DATE: "gateways held",
    ComparedWith.START_DATE: "apprenticeships started",
    ComparedWith.ASSESSMENT_DATE: "assessments taken",
}


def long_date(day: date) -> str:
    """11 February 2025 (no leading zero, on every platform)."""
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class RuleVersion[T]:
    """One version of a rule block: the rule, from when and where it comes from."""

    rule: T
    #: The first day it applies; None for the rule as first published (in force until the
    #: first change).
    applies_from: date | None
    #: What ``applies_from`` is compared with; None for the rule as first published.
    compared_with: ComparedWith | None
    #: What the version says, in plain words (shown on the gateway review and the CLI).
    summary: str
    #: Where the version comes from, as a person could look it up.
    source: str

    @property
    def why(self) -> str:
        """Why this version applies, in a sentence."""
        if self.applies_from is None or self.compared_with is None:
            return f"{self.summary} (source: {self.source})"
        return (
            f"{self.summary} — applies to {self.compared_with.words} from "
            f"{long_date(self.applies_from)} (source: {self.source})"
        )


@dataclass(frozen=True)
class DatedRule[T]:
    """A rule block's versions, oldest first; the loaders check they are in date order."""

    versions: tuple[RuleVersion[T], ...]

    @property
    def compared_with(self) -> ComparedWith:
        """The day every change of this block is compared with (the gateway date when the
        block has never changed: it then makes no difference)."""
        for version in self.versions:
            if version.compared_with is not None:
                return version.compared_with
        return ComparedWith.GATEWAY_DATE

    def in_force(self, on: date) -> RuleVersion[T]:
        """The latest version whose first day is on or before ``on``."""
        current = self.versions[0]
        for version in self.versions[1:]:
            if version.applies_from is not None and version.applies_from <= on:
                current = version
        return current


def order_problems(starts: list[date]) -> list[tuple[int, str]]:
    """(index, rule) for each change not strictly after the one before it: two changes on
    the same day overlap, an earlier one after a later one is out of order."""
    problems: list[tuple[int, str]] = []
    for i in range(1, len(starts)):
        previous, day = starts[i - 1], starts[i]
        if day == previous:
            problems.append((i, f"{day} overlaps changes[{i - 1}], which starts on the same day"))
        elif day < previous:
            problems.append(
                (i, f"{day} is before changes[{i - 1}] ({previous}): list changes in date order")
            )
    return problems
