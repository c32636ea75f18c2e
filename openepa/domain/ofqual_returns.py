"""The Ofqual data returns: what each row of the "End-point assessment outcomes" and
"End-point assessment registrations" returns says, and whether it keeps the published rules.

Sources (the formats themselves are data: ``openepa/results/data/ofqual_returns.yaml``):

- "End-Point Assessment Outcomes: guide to the data submission process" (Ofqual, gov.uk) and
  its file-format table: the first row is the headers as named in the table, every value
  must match its column's regular expression, "-2" where the table accepts it for a value
  not available; grades are reported "for each assessment component of the EPA and the EPA
  as a whole".
- "End-point assessment registrations: guide to the data submission process" (Ofqual,
  gov.uk) and its file-format table: registrations "for all EPAs taken within the reporting
  period, regardless of when EPA registrations, gateway submissions and sign-offs took place".

Pure: no Django. The caller gathers the facts (``EpaFacts``), these functions make the rows
and check them, reporting the row and the rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

#: The published value for "not available" (both guides).
NOT_AVAILABLE = "-2"


class ReturnKind(StrEnum):
    OUTCOMES = "outcomes"
    REGISTRATIONS = "registrations"


@dataclass(frozen=True)
class Column:
    name: str
    position: int
    meaning: str
    #: The expression applied; None when the published one could not be read (not checked).
    pattern: str | None
    #: Whether the table accepts "-2" for a value not available.
    minus_two: bool
    found: bool

    def rule(self) -> str:
        if self.pattern is None:
            return "its published rule could not be read, so it is not checked"
        extra = ', or "-2" where the value is not available' if self.minus_two else ""
        return f"must match {self.pattern}{extra}"


@dataclass(frozen=True)
class ReturnFormat:
    kind: ReturnKind
    title: str
    guide: str
    guide_url: str
    table: str
    table_url: str
    rows: str
    columns: tuple[Column, ...]
    #: False while some published columns could not be read (named in `not_found`).
    complete: bool
    not_found: str
    _compiled: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    def compiled(self, column: Column) -> re.Pattern[str] | None:
        if column.pattern is None:
            return None
        found = self._compiled.get(column.name)
        if found is None:
            found = re.compile(column.pattern)
            self._compiled[column.name] = found
        return found


class FormatError(ValueError):
    """The format data file breaks its own shape (names the return and the column)."""


def parse_format(kind: ReturnKind, data: Mapping[str, Any]) -> ReturnFormat:
    """A return's format from its entry in the data file; positions must run 1, 2, 3… in
    the listed order (the published tables number them so) and names must be unique."""
    columns: list[Column] = []
    for index, raw in enumerate(data["columns"], start=1):
        name = raw["name"]
        if raw["position"] != index:
            raise FormatError(
                f"{kind}: column {name} is at position {raw['position']}, not {index}"
            )
        pattern = raw.get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as error:
                raise FormatError(f"{kind}: column {name}: bad pattern ({error})") from error
        columns.append(
            Column(
                name=name,
                position=index,
                meaning=raw["meaning"],
                pattern=pattern,
                minus_two=bool(raw["minus_two"]),
                found=bool(raw["found"]),
            )
        )
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise FormatError(f"{kind}: a column name is listed twice")
    source = data["source"]
    return ReturnFormat(
        kind=kind,
        title=data["title"],
        guide=source["guide"],
        guide_url=source["guide_url"],
        table=source["table"],
        table_url=source["table_url"],
        rows=data["rows"],
        columns=tuple(columns),
        complete=bool(data["columns_complete"]),
        not_found=data.get("not_found", ""),
    )


@dataclass(frozen=True)
class ComponentGrade:
    """One assessment method's grade, as the EPA's result recorded it."""

    name: str  # the method's name, e.g. "Practical observation"
    grade: str  # "Pass", "Distinction", "Fail"
    assessed_on: date | None


@dataclass(frozen=True)
class EpaFacts:
    """What OpenEPA knows about one apprentice's EPA that the returns report."""

    epao_name: str
    epao_register_id: str  # EPAxxxx; "" when not recorded
    standard_title: str
    standard_reference: str
    plan_version: str | None
    qualification_number: str | None
    uln: str | None
    apprentice_number: int
    components: tuple[ComponentGrade, ...] = ()
    overall_grade: str | None = None
    awarded_on: date | None = None


@dataclass(frozen=True)
class ReturnRow:
    """A row of a return: its values by column, and what it is about (for people reading the
    page; "Component" rows name their method)."""

    level: str  # "EPA" or "Component"
    component: str  # the method's name, or "" for the EPA as a whole
    grade: str
    values: dict[str, str]
    apprentice_number: int

    def cells(self, fmt: ReturnFormat) -> list[str]:
        return [self.values.get(c.name, "") for c in fmt.columns]


def _or_not_available(value: str | None) -> str:
    return value if value else NOT_AVAILABLE


def common_values(facts: EpaFacts, reporting_date: date) -> dict[str, str]:
    """The first nine columns, the same in both returns (both tables, positions 1-9). A
    value OpenEPA does not hold becomes "-2" only where the table accepts it; elsewhere it
    is left empty, so the validator reports it instead of sending a wrong value."""
    return {
        "ReportingDate": reporting_date.isoformat(),
        "AwardingOrganisation": facts.epao_name,
        "AwardingOrganisationID": facts.epao_register_id,
        "StandardTitle": facts.standard_title,
        "StandardID": facts.standard_reference,
        "AssessmentPlanVersionNumber": facts.plan_version or "",
        "QualificationNumber": _or_not_available(facts.qualification_number),
        "ULN": _or_not_available(facts.uln),
        "CandidateIdentifierOther": str(facts.apprentice_number),
    }


def _fill_minus_two(fmt: ReturnFormat, values: dict[str, str]) -> dict[str, str]:
    """An empty value in a column that accepts "-2" is reported as "-2" (the guides)."""
    return {
        c.name: (
            NOT_AVAILABLE if c.minus_two and not values.get(c.name) else values.get(c.name, "")
        )
        for c in fmt.columns
    }


def outcome_rows(fmt: ReturnFormat, facts: EpaFacts, reporting_date: date) -> list[ReturnRow]:
    """The outcomes return's rows for one EPA: one per component graded, then one for the
    EPA as a whole (the outcomes guide, "What data will be collected?")."""
    values = _fill_minus_two(fmt, common_values(facts, reporting_date))
    rows = [
        ReturnRow("Component", c.name, c.grade, dict(values), facts.apprentice_number)
        for c in facts.components
    ]
    rows.append(ReturnRow("EPA", "", facts.overall_grade or "", values, facts.apprentice_number))
    return rows


def registration_row(fmt: ReturnFormat, facts: EpaFacts, reporting_date: date) -> ReturnRow:
    """The registrations return's row for one EPA taken in the period (the registrations guide)."""
    values = _fill_minus_two(fmt, common_values(facts, reporting_date))
    return ReturnRow("EPA", "", "", values, facts.apprentice_number)


@dataclass(frozen=True)
class Violation:
    """A value that breaks its column's published rule. `row` counts the file's lines: the
    header is line 1, so the first data row is 2 (as a spreadsheet shows it)."""

    row: int
    column: str
    value: str
    rule: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column} {self.value!r}: {self.rule}"


def check_header(fmt: ReturnFormat, header: list[str]) -> list[Violation]:
    """The first row must be the headers in the table's order (both guides, "File format")."""
    if header == fmt.header:
        return []
    return [
        Violation(
            1,
            "header",
            ",".join(header),
            "the first row must be the column names in the published order: "
            + ",".join(fmt.header),
        )
    ]


def check_values(fmt: ReturnFormat, row: int, values: Mapping[str, str]) -> list[Violation]:
    """Each value against its column's expression; "-2" passes only where the table accepts
    it for a value not available."""
    found: list[Violation] = []
    for column in fmt.columns:
        value = values.get(column.name, "")
        if value == NOT_AVAILABLE:
            if column.minus_two:
                continue
            if column.pattern is not None:
                found.append(
                    Violation(row, column.name, value, '"-2" is not accepted in this column')
                )
                continue
        compiled = fmt.compiled(column)
        if compiled is not None and not compiled.match(value):
            found.append(Violation(row, column.name, value, column.rule()))
    return found


def validate(
    fmt: ReturnFormat, rows: Iterable[Mapping[str, str]], *, header: list[str] | None = None
) -> Iterator[Violation]:
    """Every violation in a return, in file order: the header (the format's own unless
    given), then each row numbered as the file's line."""
    yield from check_header(fmt, fmt.header if header is None else header)
    for number, values in enumerate(rows, start=2):
        yield from check_values(fmt, number, values)


GRADE_WORDS = {"pass": "Pass", "distinction": "Distinction", "merit": "Merit", "fail": "Fail"}


def grade_word(grade: str | None) -> str:
    """A grade as the statement of results words it ("pass" → "Pass")."""
    return GRADE_WORDS.get(grade or "", grade or "")
