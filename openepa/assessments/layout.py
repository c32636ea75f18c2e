"""Which criteria a marking sheet shows and in what order: the standard's module order, with
criteria carried over from another method first (seed 002: they are judged here)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from openepa.domain.standard import Criterion, Method, Standard


@dataclass(frozen=True)
class Line:
    criterion: Criterion
    #: Judged here after being carried over from another method's sheet.
    carried: bool
    #: May be carried over from this sheet to a later method (observation → discussion).
    can_carry: bool


@dataclass(frozen=True)
class Group:
    title: str
    lines: tuple[Line, ...]


def outcome_field(code: str) -> str:
    """Form field of a criterion's outcome; dots in codes would need escaping in ids."""
    return "outcome_" + code.replace(".", "_")


def note_field(code: str) -> str:
    """Form field of a criterion's evidence note."""
    return "note_" + code.replace(".", "_")


def sheet_lines(standard: Standard, method: Method, codes: Iterable[str]) -> list[Line]:
    """The criteria on a sheet (its judgement rows), in the standard's order."""
    on_sheet = set(codes)
    carry_target = standard.method(method).carry_over_to
    return [
        Line(
            c, carried=c.method != method, can_carry=c.method == method and carry_target is not None
        )
        for c in standard.criteria
        if c.code in on_sheet
    ]


def groups(standard: Standard, lines: list[Line]) -> list[Group]:
    result: list[Group] = []
    carried = tuple(line for line in lines if line.carried)
    if carried:
        source = standard.method(carried[0].criterion.method).name
        result.append(Group(f"Carried over from the {source.lower()}", carried))
    for module in standard.modules:
        own = tuple(
            line for line in lines if not line.carried and line.criterion.module == module.code
        )
        if own:
            result.append(Group(module.name, own))
    return result
