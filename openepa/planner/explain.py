"""Why each placement: this assessor (allowed, region or remote, load) and this day (the
method's window and what sets it), in the admin's words; and the engine's reasons for an
unplaced method with its ids turned back into names and dates."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from openepa.assessors.models import REGION_NAMES
from openepa.domain.dates import long_date, working_days_between
from openepa.planner.planning import Built, MethodInfo
from openepa.scheduling.instance import clock
from openepa.scheduling.plan import Assignment

_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def region_words(code: str | None) -> str:
    return REGION_NAMES.get(code or "", code or "no region")


def why_assessor(built: Built, a: Assignment, load: Counter[str]) -> str:
    instance = built.instance
    assessor = instance.assessors[a.assessor]
    method = instance.methods[a.method]
    name = built.names.get(a.assessor, a.assessor)
    allowed = "may be allocated (occupational competence, assessor qualification and standardisation recorded; no conflict of interest declared)"
    if method.in_person and method.region is not None:
        one_way = instance.travel[assessor.home_region][method.region]
        where = (
            f"covers {region_words(method.region)} in person; home region "
            f"{region_words(assessor.home_region)}, about {one_way} minutes' travel each way"
        )
    else:
        where = "assesses remotely"
    capable = sum(
        1 for aid in method.eligible if instance.can_assess(instance.assessors[aid], method)
    )
    count = load[a.assessor]
    return (
        f"{name} {allowed}; {where}. Assessment {count} for them in this plan; "
        f"{capable} assessor{'s' if capable != 1 else ''} could take it."
    )


def why_day(info: MethodInfo, day: date, after_day: date | None, start: int | None = None) -> str:
    position = working_days_between(info.earliest, day)
    text = (
        f"Window {long_date(info.earliest)} ({info.earliest_why}) to {long_date(info.latest)} "
        f"({info.latest_why}); "
    )
    text += (
        "the first day of it."
        if day == info.earliest
        else f"{position} working day{'s' if position != 1 else ''} into it."
    )
    if after_day is not None:
        text += f" After the practical observation on {long_date(after_day)}."
    return text + _preferred_words(info, day, start)


def _preferred_words(info: MethodInfo, day: date, start: int | None) -> str:
    """Whether the day (and start) is the one agreed at the planning meeting."""
    wish = info.preferred[0] if info.preferred else None
    if wish is None:
        return ""
    if wish.day != day:
        return (
            f" The preferred day agreed at the planning meeting, {long_date(wish.day)}, "
            "could not be kept."
        )
    at = ""
    if wish.start is not None:
        kept = start == wish.start
        at = f", {'at' if kept else 'though not at'} the preferred time {clock(wish.start)}"
    return f" The preferred day agreed at the planning meeting{at}."


def humanise(reason: str, built: Built) -> str:
    """The engine's reason with method and assessor ids as words and dates as long dates."""
    for key, info in built.methods.items():
        reason = reason.replace(key, f"the {info.words}")
    reason = re.sub(r"\ba(\d+)\b", "the apprentice", reason)
    return _ISO.sub(lambda m: long_date(date(int(m[1]), int(m[2]), int(m[3]))), reason)
