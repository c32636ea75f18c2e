"""The consistency report (issue 5 §6): per assessor, the number of decisions, the rate of
each grade per method and overall beside the EPAO's, and the IQA agreement rate, so that
outliers are visible (seed 003 §9: consistent, reliable judgements; the outlier rule is in
openepa.domain.consistency).

A decision is a submitted marking sheet of a method attempt (first attempt, resit or
retake). Its grade is what the domain computes from that sheet's own judgements, kept on
the sheet when it is submitted or amended and counted here by the database; a sheet
whose observation criteria were carried over to the discussion is counted but not graded.
A discussion follow-up (seed 002) judges only carried-over criteria and has no method
grade of its own, so it is not a decision here."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count

from openepa.accounts.models import Membership, Role, User
from openepa.assessments.models import Attempt
from openepa.domain import csvsafe
from openepa.domain.consistency import GRADES, Tally, outlying_grades
from openepa.domain.grading import AttemptKind
from openepa.domain.standard import Grade, Method
from openepa.organisations.models import Organisation
from openepa.quality import queries as quality_queries

METHODS = (Method.SHOWCASE, Method.OBSERVATION, Method.DISCUSSION)
METHOD_NAMES = {
    Method.SHOWCASE: "Apprentice showcase",
    Method.OBSERVATION: "Practical observation",
    Method.DISCUSSION: "Professional discussion",
}


def iqa_agreement(assessor_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """{assessor id: (decisions the IQA agreed with, decisions reviewed)}, from the quality
    context's signed-off samples (a decision is agreed when the IQA agreed with every
    criterion on it). Assessors with no reviewed decision have no entry: "not yet
    reviewed"."""
    return quality_queries.iqa_agreement(list(assessor_ids))


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


def _counts(epao_id: int) -> list[tuple[int, Method, str, int]]:
    """(assessor id, method, stored method grade, decisions) for the EPAO's submitted
    sheets, counted by the database: one row per assessor, method and grade, whatever the
    number of decisions. The grade is the one kept on each sheet when it was submitted or
    amended (`openepa.assessments.grading.sheet_grade`); blank when not graded yet."""
    rows = (
        Attempt.objects.filter(enrolment__epao_id=epao_id, status=Attempt.Status.SUBMITTED)
        .exclude(kind=AttemptKind.FOLLOW_UP.value)
        # A missed assessment counted as a failed attempt judged nothing: not a decision.
        .filter(missed_reason="")
        .order_by()
        .values_list("assessor_id", "method", "method_grade")
        .annotate(n=Count("pk"))
    )
    return [(assessor, Method(method), grade, n) for assessor, method, grade, n in rows]


def _tally(counts: Iterable[tuple[str, int]]) -> Tally:
    """A Tally from (stored grade, decisions) pairs; a blank grade is counted, not graded."""
    by_grade: dict[str, int] = defaultdict(int)
    for grade, n in counts:
        by_grade[grade] += n
    return Tally(
        decisions=sum(by_grade.values()),
        counts=tuple((g, by_grade.get(g.value, 0)) for g in GRADES),
    )


def consistency_report(epao: Organisation) -> Report:
    """Every assessor of the EPAO (and anyone else who marked for it), with their tallies
    beside the EPAO's. A handful of queries whatever the number of assessors and decisions:
    the grades are counted in the database, never loaded sheet by sheet."""
    counts = _counts(epao.pk)
    people: dict[int, User] = {
        m.user_id: m.user
        for m in Membership.objects.filter(organisation=epao, role=Role.ASSESSOR).select_related(
            "user"
        )
    }
    others = {assessor for assessor, _, _, _ in counts} - set(people)
    if others:
        people.update(User.objects.in_bulk(others))
    mine: dict[int, list[tuple[str, int]]] = defaultdict(list)
    per_method: dict[tuple[int, Method], list[tuple[str, int]]] = defaultdict(list)
    for assessor, method, grade, n in counts:
        mine[assessor].append((grade, n))
        per_method[(assessor, method)].append((grade, n))
    epao_overall = _tally((grade, n) for _, _, grade, n in counts)
    epao_methods = {
        m: _tally((grade, n) for _, method, grade, n in counts if method == m) for m in METHODS
    }
    agreement = iqa_agreement(list(people))
    rows = []
    for user in sorted(people.values(), key=lambda u: (u.full_name, u.email)):
        overall = _tally(mine[user.pk])
        methods = {m: _tally(per_method[(user.pk, m)]) for m in METHODS}
        rows.append(
            Row(
                assessor=user,
                overall=overall,
                by_method=methods,
                outliers=tuple(outlying_grades(overall, epao_overall)),
                method_outliers={
                    m: tuple(outlying_grades(methods[m], epao_methods[m])) for m in METHODS
                },
                iqa=agreement.get(user.pk),
            )
        )
    return Report(epao=epao, overall=epao_overall, by_method=epao_methods, rows=rows)


def percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}%"


CSV_HEADER = [
    "EPAO",
    "Assessor",
    "Scope",
    "Decisions",
    "Graded",
    *(f"{g.value.title()} rate" for g in GRADES),
    *(f"EPAO {g.value} rate" for g in GRADES),
    "Outlier grades",
    "IQA agreed",
    "IQA reviewed",
]


def report_csv(reports: Iterable[Report]) -> str:
    """One line per assessor and scope (overall, then each method)."""
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(CSV_HEADER)
    for report in reports:
        for row in report.rows:
            scopes: list[tuple[str, Tally, Tally, tuple[Grade, ...]]] = [
                ("overall", row.overall, report.overall, row.outliers)
            ]
            scopes += [
                (m.value, row.by_method[m], report.by_method[m], row.method_outliers[m])
                for m in METHODS
            ]
            for scope, mine, theirs, outliers in scopes:
                writer.writerow(
                    [
                        report.epao.name,
                        str(row.assessor),
                        scope,
                        mine.decisions,
                        mine.graded,
                        *(percent(mine.rate(g)) for g in GRADES),
                        *(percent(theirs.rate(g)) for g in GRADES),
                        " ".join(g.value for g in outliers),
                        row.iqa[0] if row.iqa and scope == "overall" else "",
                        row.iqa[1] if row.iqa and scope == "overall" else "",
                    ]
                )
    return out.getvalue()
