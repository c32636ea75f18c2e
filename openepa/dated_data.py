"""Rule blocks with ``changes:`` in the data files, turned into dated versions.

Shared by the policy and standard loaders: a block states its rule as first published, and
``changes`` lists what replaced it from a date, oldest first, each change giving only the
keys it changes plus ``from``, ``compared_with``, ``summary`` and ``sources``
(openepa/domain/in_force.py). The JSON Schema checks the shape; this module checks what a
schema cannot: real dates, date order, one change per day, one kind of day per block.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from openepa.datafiles import Problem
from openepa.domain.in_force import (
    ComparedWith,
    DatedRule,
    RuleVersion,
    long_date,
    order_problems,
)

#: Keys of a change that describe it rather than the rule.
CHANGE_KEYS = frozenset({"from", "compared_with", "summary", "sources"})


def _day(text: str, where: str, problems: list[Problem]) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(Problem(where, f"{text!r} is not a real date (YYYY-MM-DD)"))
        return None


def _published(text: str, where: str, problems: list[Problem]) -> None:
    """A publication date: a day, or a month where the document gives no day."""
    _day(text if len(text) > 7 else f"{text}-01", where, problems)


def published_date_words(text: str) -> str:
    """'2025-02-11' → '11 February 2025'; '2024-06' → 'June 2024'."""
    if len(text) == 7:
        return f"{date.fromisoformat(f'{text}-01'):%B %Y}"
    return long_date(date.fromisoformat(text))


def change_problems(block: dict[str, Any], where: str) -> list[Problem]:
    """Every problem with a block's ``changes`` list, each naming its path."""
    problems: list[Problem] = []
    changes = block.get("changes", [])
    starts: list[date] = []
    for i, change in enumerate(changes):
        at = f"{where}.changes[{i}]"
        day = _day(change["from"], f"{at}.from", problems)
        if day is not None:
            starts.append(day)
        for j, source in enumerate(change["sources"]):
            _published(source["date"], f"{at}.sources[{j}].date", problems)
        if change["compared_with"] != changes[0]["compared_with"]:
            problems.append(
                Problem(
                    f"{at}.compared_with",
                    f"{change['compared_with']!r} differs from changes[0] "
                    f"({changes[0]['compared_with']!r}): one block's changes compare one kind of day",
                )
            )
    if len(starts) == len(changes):
        problems += [
            Problem(f"{where}.changes[{i}].from", rule) for i, rule in order_problems(starts)
        ]
    return problems


def source_words(sources: list[dict[str, str]]) -> str:
    """Each document as a person could look it up: publisher, “title” (date)."""
    return "; ".join(
        f"{s['publisher']}, “{s['title']}” ({published_date_words(s['date'])})" for s in sources
    )


def dated[T](
    block: dict[str, Any],
    build: Callable[[dict[str, Any]], T],
    *,
    summary: str,
    source: str,
) -> DatedRule[T]:
    """The block's versions: the rule as published, then each change applied on top of the
    version before it. Call after ``change_problems`` found nothing."""
    rule_keys = {k: v for k, v in block.items() if k not in {"changes", "source"}}
    versions = [RuleVersion(build(rule_keys), None, None, summary, source)]
    for change in block.get("changes", []):
        rule_keys = {**rule_keys, **{k: v for k, v in change.items() if k not in CHANGE_KEYS}}
        versions.append(
            RuleVersion(
                build(rule_keys),
                date.fromisoformat(change["from"]),
                ComparedWith(change["compared_with"]),
                change["summary"],
                source_words(change["sources"]),
            )
        )
    return DatedRule(tuple(versions))
