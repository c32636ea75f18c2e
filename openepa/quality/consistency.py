"""The consistency report (issue 5 §6): per assessor, the number of decisions, the rate of
each grade per method and overall beside the EPAO's, and the IQA agreement rate, so that
outliers are visible (seed 003 §9: consistent, reliable judgements; the outlier rule is in
openepa.domain.consistency).

A decision is a submitted marking sheet of a method attempt (first attempt, resit or
retake). Its grade is what the domain computes from that sheet's own judgements, kept on
the sheet when it is submitted or amended; the database keeps how many decisions each
assessor made per method and grade (DecisionCount), so the report reads a few small rows
per assessor whatever the number of sheets. A sheet whose observation criteria were
carried over to the discussion is counted but not graded. A discussion follow-up (seed 002)
judges only carried-over criteria and has no method grade of its own, so it is not a
decision here.

The page shows a page of assessors at a time (an EPAO may have thousands); the download
writes every assessor, a batch at a time, so memory stays bounded."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from openepa.accounts.models import Membership, Role, User
from openepa.assessments.models import DecisionCount
from openepa.core.exports import Column
from openepa.domain.consistency import GRADES, Tally, outlying_grades
from openepa.domain.standard import Grade, Method
from openepa.organisations.models import Organisation
from openepa.quality import queries as quality_queries

METHODS = (Method.SHOWCASE, Method.OBSERVATION, Method.DISCUSSION)
METHOD_NAMES = {
    Method.SHOWCASE: "Apprentice showcase",
    Method.OBSERVATION: "Practical observation",
    Method.DISCUSSION: "Professional discussion",
}


def iqa_agreement(assessor_ids: Iterable[int], epao_id: int) -> dict[int, tuple[int, int]]:
    """{assessor id: (decisions the IQA agreed with, decisions reviewed)}, from the quality
    context's signed-off samples of the EPAO (a decision is agreed when the IQA agreed with
    every criterion on it). Assessors with no reviewed decision have no entry: "not yet
    reviewed"."""
    return quality_queries.iqa_agreement(list(assessor_ids), epao_id=epao_id)


@dataclass(frozen=True)
class Row:
    assessor: User
    overall: Tally
    by_method: dict[Method, Tally]
    #: Grades whose overall rate is an outlier against the EPAO's.
    outliers: tuple[Grade, ...]
    method_outliers: dict[Method, tuple[Grade, ...]]
    #: (agreed, reviewed) from iqa_agreement, or None when not yet reviewed.
    iqa: tuple[int, int] | None

    @property
    def iqa_rate(self) -> float | None:
        if self.iqa is None or not self.iqa[1]:
            return None
        return 100 * self.iqa[0] / self.iqa[1]

    @property
    def is_outlier(self) -> bool:
        return bool(self.outliers) or any(self.method_outliers.values())


@dataclass(frozen=True)
class Cell:
    mine: str
    epao: str
    outlier: bool


@dataclass(frozen=True)
class Line:
    """One scope (overall or a method) of an assessor's row, ready to show."""

    name: str
    decisions: int
    cells: list[Cell]


def _line(name: str, mine: Tally, epao: Tally, outliers: tuple[Grade, ...]) -> Line:
    return Line(
        name=name,
        decisions=mine.decisions,
        cells=[
            Cell(percent(mine.rate(g)) or "—", percent(epao.rate(g)) or "—", g in outliers)
            for g in GRADES
        ],
    )


@dataclass(frozen=True)
class Report:
    epao: Organisation
    overall: Tally
    by_method: dict[Method, Tally]
    rows: list[Row]

    def epao_line(self) -> Line:
        return _line("overall", self.overall, self.overall, ())

    def table(self) -> list[tuple[Row, list[Line]]]:
        return [
            (
                row,
                [_line("Overall", row.overall, self.overall, row.outliers)]
                + [
                    _line(
                        METHOD_NAMES[m], row.by_method[m], self.by_method[m], row.method_outliers[m]
                    )
                    for m in METHODS
                ],
            )
            for row in self.rows
        ]


def assessors(epao_id: int) -> QuerySet[User]:
    """The report's assessors, by name: the EPAO's assessors and anyone else who made a
    decision for it (an assessor who has since left keeps their row)."""
    # Checked person by person along the users' name index (user_by_name), each by the
    # membership's and the counts' own indexes: a page of 20 reads about 20 people, where
    # `IN (subquery)` hashed every decision count of the EPAO and sorted every user for each
    # page and for the count.
    members = Membership.objects.filter(
        organisation_id=epao_id, role=Role.ASSESSOR, user_id=OuterRef("pk")
    )
    decided = DecisionCount.objects.filter(epao_id=epao_id, n__gt=0, assessor_id=OuterRef("pk"))
    return User.objects.filter(Exists(members) | Exists(decided)).order_by(
        "full_name", "email", "pk"
    )


def _tally(counts: Iterable[tuple[str, int]]) -> Tally:
    """A Tally from (stored grade, decisions) pairs; a blank grade is counted, not graded."""
    by_grade: dict[str, int] = defaultdict(int)
    for grade, n in counts:
        by_grade[grade] += n
    return Tally(
        decisions=sum(by_grade.values()),
        counts=tuple((g, by_grade.get(g.value, 0)) for g in GRADES),
    )


def epao_tallies(epao: Organisation) -> tuple[Tally, dict[Method, Tally]]:
    """The EPAO's decisions overall and per method: one query over the kept counts (a row
    per assessor, method and grade), summed by method and grade in the database."""
    rows = [
        (Method(method), grade, n or 0)
        for method, grade, n in DecisionCount.objects.filter(epao=epao)
        .order_by()
        .values_list("method", "grade")
        .annotate(n=Sum("n"))
    ]
    overall = _tally((grade, n) for _, grade, n in rows)
    return overall, {m: _tally((g, n) for method, g, n in rows if method == m) for m in METHODS}


@dataclass(frozen=True)
class Totals:
    """What the report's page shows of the whole EPAO: its decisions overall and per method
    (each assessor's rates are compared with these) and how many assessors it lists."""

    overall: Tally
    by_method: dict[Method, Tally]
    assessors: int


def epao_totals(epao: Organisation) -> Totals:
    """The EPAO's totals: two queries, each reading a row per assessor, method and grade of
    the kept counts (27,600 rows at 100,000 apprentices, 10 ms together), which is why the
    page keeps them a short while (openepa.core.kept)."""
    overall, by_method = epao_tallies(epao)
    return Totals(overall, by_method, assessors(epao.pk).count())


def _rows(
    epao: Organisation,
    people: Sequence[User],
    overall: Tally,
    by_method: dict[Method, Tally],
    agreement: dict[int, tuple[int, int]] | None = None,
) -> list[Row]:
    """The rows of these assessors, in their order: two queries (their counts, their IQA
    agreement unless given) whatever their number."""
    ids = [u.pk for u in people]
    mine: dict[int, list[tuple[str, int]]] = defaultdict(list)
    per_method: dict[tuple[int, Method], list[tuple[str, int]]] = defaultdict(list)
    counted = DecisionCount.objects.filter(epao=epao, assessor_id__in=ids, n__gt=0).values_list(
        "assessor_id", "method", "grade", "n"
    )
    for assessor, method, grade, n in counted:
        mine[assessor].append((grade, n))
        per_method[(assessor, Method(method))].append((grade, n))
    if agreement is None:
        agreement = iqa_agreement(ids, epao.pk) if ids else {}
    rows = []
    for user in people:
        tally = _tally(mine[user.pk])
        methods = {m: _tally(per_method[(user.pk, m)]) for m in METHODS}
        rows.append(
            Row(
                assessor=user,
                overall=tally,
                by_method=methods,
                outliers=tuple(outlying_grades(tally, overall)),
                method_outliers={
                    m: tuple(outlying_grades(methods[m], by_method[m])) for m in METHODS
                },
                iqa=agreement.get(user.pk),
            )
        )
    return rows


def consistency_report(
    epao: Organisation, people: Sequence[User] | None = None, totals: Totals | None = None
) -> Report:
    """The EPAO's tallies (from `totals` when given), with the rows of `people` (a page of
    `assessors`; every assessor when None) beside them. A fixed number of queries whatever
    the number of assessors and decisions: the grades are counted by the database, never
    loaded sheet by sheet."""
    overall, by_method = (
        epao_tallies(epao) if totals is None else (totals.overall, totals.by_method)
    )
    chosen = list(assessors(epao.pk)) if people is None else list(people)
    return Report(
        epao=epao,
        overall=overall,
        by_method=by_method,
        rows=_rows(epao, chosen, overall, by_method),
    )


#: Assessors read at a time by the download (one query of their counts a batch).
BATCH = 500


def every_row(epao: Organisation) -> Iterator[tuple[Report, Row]]:
    """Every assessor's row of the EPAO, a batch at a time (the download): memory holds one
    batch, never every assessor."""
    overall, by_method = epao_tallies(epao)
    report = Report(epao=epao, overall=overall, by_method=by_method, rows=[])
    # Three numbers per assessor, counted in one grouped query for the whole EPAO.
    agreement = quality_queries.epao_iqa_agreement(epao.pk)
    batch: list[User] = []
    for user in assessors(epao.pk).iterator(BATCH):
        batch.append(user)
        if len(batch) == BATCH:
            rows = _rows(epao, batch, overall, by_method, agreement)
            yield from ((report, row) for row in rows)
            batch = []
    yield from ((report, row) for row in _rows(epao, batch, overall, by_method, agreement))


#: The grade columns' headings on a phone (`data-label`), in GRADES order.
GRADE_LABELS = ("Pass", "Distinction", "Fail")
_OUTLIER = mark_safe(' <strong class="govuk-tag govuk-tag--red">Outlier</strong>')


def table_rows(report: Report) -> SafeString:
    """The body of the report's table (quality/consistency.html), written here rather than
    by the template engine: four lines per assessor, three grade cells a line, each with its
    conditions, were most of the page's template time. The markup is the template's; values
    are formatted as its filters did (`localize`, `floatformat`).

    Written with plain string formatting, escaping the one value a person typed (the
    assessor's name): the rest are numbers, percentages and fixed words, which escaping
    leaves as they are. `format_html` escaped each of about 800 values a page one by one,
    a third of the page's time."""
    lines = []
    for row, scopes in report.table():
        span = len(scopes)
        outlier = _OUTLIER if row.is_outlier else ""
        head = (
            f'<th scope="row" class="govuk-table__header" rowspan="{span}" '
            f'data-label="Assessor">{escape(str(row.assessor))}{outlier}</th>'
        )
        rate = row.iqa_rate
        agreement = (
            "{}% ({} of {})".format(floatformat(rate, 0), *(row.iqa or (0, 0)))
            if rate is not None
            else "Not yet reviewed"
        )
        iqa = (
            f'<td class="govuk-table__cell" rowspan="{span}" data-label="IQA agreement">'
            f"{agreement}</td>"
        )
        for index, line in enumerate(scopes):
            cells = "".join(
                f'<td class="govuk-table__cell" data-label="{label}">{cell.mine} ({cell.epao})'
                f"{_OUTLIER if cell.outlier else ''}</td>"
                for label, cell in zip(GRADE_LABELS, line.cells, strict=True)
            )
            lines.append(
                f'<tr class="govuk-table__row">{head if index == 0 else ""}'
                f'<td class="govuk-table__cell" data-label="Scope">{line.name}</td>'
                f'<td class="govuk-table__cell" data-label="Decisions">{localize(line.decisions)}'
                f"</td>{cells}{iqa if index == 0 else ''}</tr>"
            )
    if not lines:
        return mark_safe(
            '<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="7">'
            "No assessors.</td></tr>"
        )
    return mark_safe("".join(lines))  # the name escaped above; the rest numbers and words


def percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}%"


@dataclass(frozen=True)
class CsvLine:
    """One line of the download: an assessor's scope (overall or a method) beside the EPAO's."""

    epao: Organisation
    row: Row
    scope: str
    mine: Tally
    theirs: Tally
    outliers: tuple[Grade, ...]

    @property
    def iqa(self) -> tuple[int, int] | None:
        """The IQA agreement, on the overall line only."""
        return self.row.iqa if self.scope == "overall" else None


def csv_lines(rows: Iterable[tuple[Report, Row]]) -> Iterator[CsvLine]:
    """Four lines per assessor: overall, then each method."""
    for report, row in rows:
        yield CsvLine(report.epao, row, "overall", row.overall, report.overall, row.outliers)
        for m in METHODS:
            yield CsvLine(
                report.epao,
                row,
                m.value,
                row.by_method[m],
                report.by_method[m],
                row.method_outliers[m],
            )


def _rate_column(heading: str, grade: Grade, *, epao: bool) -> Column[CsvLine]:
    return Column(heading, lambda line: percent((line.theirs if epao else line.mine).rate(grade)))


COLUMNS: tuple[Column[CsvLine], ...] = (
    Column("EPAO", lambda line: line.epao.name),
    Column("Assessor", lambda line: str(line.row.assessor)),
    Column("Scope", lambda line: line.scope),
    Column("Decisions", lambda line: line.mine.decisions),
    Column("Graded", lambda line: line.mine.graded),
    *(_rate_column(f"{g.value.title()} rate", g, epao=False) for g in GRADES),
    *(_rate_column(f"EPAO {g.value} rate", g, epao=True) for g in GRADES),
    Column("Outlier grades", lambda line: " ".join(g.value for g in line.outliers)),
    Column("IQA agreed", lambda line: line.iqa[0] if line.iqa else ""),
    Column("IQA reviewed", lambda line: line.iqa[1] if line.iqa else ""),
)
