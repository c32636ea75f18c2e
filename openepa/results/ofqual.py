"""Producing the Ofqual data returns for a reporting period: the formats from their data
file, the facts gathered in one streamed query per return (no query per row), the rows made
and checked by ``openepa.domain.ofqual_returns``, and the CSV written.

The outcomes return reports the results released in the period (a grade is awarded when
its result is released) that no later result replaced; the registrations return reports
every registration whose EPA was taken in the period (a marking sheet submitted for a
method assessed on a day in it), as the registrations guide says.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import TypedDict

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from openepa.assessments.models import Attempt
from openepa.datafiles import parse_yaml
from openepa.domain.ofqual_returns import (
    ComponentGrade,
    EpaFacts,
    ReturnFormat,
    ReturnKind,
    ReturnRow,
    Violation,
    check_header,
    check_values,
    grade_word,
    outcome_rows,
    parse_format,
    registration_row,
)
from openepa.domain.standard import Method, Standard
from openepa.enrolments.models import Enrolment
from openepa.results.models import OverallResult
from openepa.results.queries import MethodSnapshot
from openepa.standards.loader import get_standard

FORMAT_FILE = Path(__file__).parent / "data" / "ofqual_returns.yaml"
#: Rows fetched from the database at a time: memory stays flat however long the period.
CHUNK = 2000


@cache
def return_format(kind: ReturnKind) -> ReturnFormat:
    data = parse_yaml(FORMAT_FILE.read_text(encoding="utf-8"))
    return parse_format(kind, data[kind.value])


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    reporting_date: date

    def moments(self) -> tuple[datetime, datetime]:
        """The period's first moment and the moment after its last day, in England."""
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )


def _standard(reference: str) -> Standard:
    standard = get_standard(reference)
    if standard is None:  # the reference rows are loaded from the same files
        raise LookupError(f"no data file for standard {reference}")
    return standard


def _method_name(standard: Standard, method: str) -> str:
    for m in standard.methods:
        if m.code == Method(method):
            return m.name
    return method


#: The only fields the returns read, as plain values (no model instances: a year of
#: results streams several times faster so), in the order `_facts` takes them.
_ENROLMENT_FIELDS = (
    "apprentice_id",
    "apprentice__uln",
    "epao__name",
    "epao__register_id",
    "standard__reference",
)


class _Known(TypedDict):
    """The EpaFacts read from the enrolment (`_ENROLMENT_FIELDS`) and its standard."""

    epao_name: str
    epao_register_id: str
    standard_title: str
    standard_reference: str
    plan_version: str | None
    qualification_number: str | None
    uln: str | None
    apprentice_number: int


def _facts(values: tuple[int, str | None, str, str, str]) -> tuple[Standard, _Known]:
    apprentice_id, uln, epao_name, register_id, reference = values
    standard = _standard(reference)
    return standard, {
        "epao_name": epao_name,
        "epao_register_id": register_id,
        "standard_title": standard.title,
        "standard_reference": standard.reference,
        "plan_version": standard.assessment_plan_version,
        "qualification_number": standard.qualification_number,
        "uln": uln,
        "apprentice_number": apprentice_id,
    }


def released_results(epao_ids: Collection[int] | None, period: Period) -> QuerySet[OverallResult]:
    """The results released in the period that no later result replaced, oldest first."""
    start, end = period.moments()
    found = OverallResult.objects.filter(
        released_at__gte=start, released_at__lt=end, superseded_at__isnull=True
    )
    if epao_ids is not None:
        found = found.filter(enrolment__epao_id__in=epao_ids)
    return found.order_by("released_at", "id")


def enrolments_assessed(epao_ids: Collection[int] | None, period: Period) -> QuerySet[Enrolment]:
    """The registrations with a marking sheet submitted for a method assessed in the period."""
    assessed = Attempt.objects.filter(
        enrolment=OuterRef("pk"),
        status=Attempt.Status.SUBMITTED,
        assessed_on__gte=period.start,
        assessed_on__lte=period.end,
    )
    found = Enrolment.objects.filter(Exists(assessed))
    if epao_ids is not None:
        found = found.filter(epao_id__in=epao_ids)
    return found.order_by("id")


def _components(
    standard: Standard, methods: dict[str, MethodSnapshot]
) -> tuple[ComponentGrade, ...]:
    """The result's graded methods in the standard's order of methods."""
    order = {m.code.value: m.order for m in standard.methods}
    return tuple(
        ComponentGrade(
            name=_method_name(standard, name),
            grade=grade_word(snapshot.get("grade")),
            assessed_on=date.fromisoformat(snapshot["assessed_on"])
            if snapshot.get("assessed_on")
            else None,
        )
        for name, snapshot in sorted(methods.items(), key=lambda item: order.get(item[0], 99))
    )


def return_rows(
    kind: ReturnKind, epao_ids: Collection[int] | None, period: Period
) -> Iterator[ReturnRow]:
    """The return's rows in file order, streamed from the database in one query."""
    fmt = return_format(kind)
    zone = timezone.get_current_timezone()  # a grade is awarded on a day in England
    if kind == ReturnKind.OUTCOMES:
        fields = [f"enrolment__{name}" for name in _ENROLMENT_FIELDS]
        rows = released_results(epao_ids, period).values_list(
            *fields, "grade", "methods", "released_at"
        )
        for *enrolment, grade, methods, released_at in rows.iterator(chunk_size=CHUNK):
            standard, known = _facts(tuple(enrolment))
            facts = EpaFacts(
                **known,
                components=_components(standard, methods),
                overall_grade=grade_word(grade),
                awarded_on=timezone.localdate(released_at, zone) if released_at else None,
            )
            yield from outcome_rows(fmt, facts, period.reporting_date)
    else:
        registered = enrolments_assessed(epao_ids, period).values_list(*_ENROLMENT_FIELDS)
        for values in registered.iterator(chunk_size=CHUNK):
            _, known = _facts(values)
            yield registration_row(fmt, EpaFacts(**known), period.reporting_date)


#: Rows and problems a check keeps for people to read; the counts say how many in all.
KEPT = 50


@dataclass
class Checked:
    """A return made and checked: the CSV text, how many rows and problems it has, and the
    first few of each (the page shows them, the command prints them). Memory stays bounded
    by the CSV itself, whatever the period."""

    format: ReturnFormat
    text: str
    row_count: int
    rows: list[ReturnRow]  # the first KEPT
    violations: list[Violation]  # the first KEPT, each naming its row and rule
    violation_count: int

    @property
    def valid(self) -> bool:
        return self.violation_count == 0


def check_return(kind: ReturnKind, epao_ids: Collection[int] | None, period: Period) -> Checked:
    """Make the return and check every value as it is made. The CSV is exactly as the table
    names it: the header row, then the values as they are (no spreadsheet escaping: "-2" and
    every value must reach Ofqual unchanged)."""
    fmt = return_format(kind)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(fmt.header)
    kept_rows: list[ReturnRow] = []
    kept_violations = list(check_header(fmt, fmt.header))
    violation_count = len(kept_violations)
    count = 0
    last_values: dict[str, str] | None = None
    last_found: list[Violation] = []
    for number, row in enumerate(return_rows(kind, epao_ids, period), start=2):
        count += 1
        if len(kept_rows) < KEPT:
            kept_rows.append(row)
        # A row with the same values as the one before it (an EPA's components and the EPA
        # as a whole) breaks the same rules: checked once, reported on each row.
        if row.values != last_values:
            last_values, last_found = row.values, check_values(fmt, number, row.values)
        found = [replace(v, row=number) for v in last_found]
        violation_count += len(found)
        kept_violations.extend(found[: KEPT - len(kept_violations)])
        writer.writerow(row.cells(fmt))
    return Checked(fmt, out.getvalue(), count, kept_rows, kept_violations, violation_count)
