"""The consistency report (issue 5 §6): per assessor, the number of decisions, the rate of
each grade per method and overall beside the EPAO's, and the IQA agreement rate, so that
outliers are visible (seed 003 §9: consistent, reliable judgements; the outlier rule is in
openepa.domain.consistency).

A decision is a submitted marking sheet of a method attempt (first attempt, resit or
retake). Its grade is what the domain computes from that sheet's own judgements; a sheet
whose observation criteria were carried over to the discussion is counted but not graded.
A discussion follow-up (seed 002) judges only carried-over criteria and has no method
grade of its own, so it is not a decision here."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch

from openepa.accounts.models import Membership, Role, User
from openepa.assessments.models import Attempt, Judgement
from openepa.domain import csvsafe
from openepa.domain.consistency import GRADES, Tally, outlying_grades, tally
from openepa.domain.grading import AttemptKind, Outcome, grade_method
from openepa.domain.standard import Grade, Method
from openepa.enrolments.domain_data import modes_of, standard_of
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


def _grade(attempt: Attempt) -> Grade | None:
    outcomes = {j.criterion_code: Outcome(j.outcome) for j in attempt.judgements.all() if j.outcome}
    enrolment = attempt.enrolment
    result = grade_method(
        standard_of(enrolment), Method(attempt.method), modes_of(enrolment), outcomes
    )
    return result.grade


def _decisions(epao_id: int) -> list[tuple[User, Method, Grade | None]]:
    attempts = (
        Attempt.objects.filter(enrolment__epao_id=epao_id, status=Attempt.Status.SUBMITTED)
        .exclude(kind=AttemptKind.FOLLOW_UP.value)
        .select_related("assessor", "enrolment__standard")
        .prefetch_related(
            Prefetch(
                "judgements",
                queryset=Judgement.objects.only("attempt_id", "criterion_code", "outcome"),
            )
        )
        .order_by("id")
    )
    return [(a.assessor, Method(a.method), _grade(a)) for a in attempts]


def consistency_report(epao: Organisation) -> Report:
    """Every assessor of the EPAO (and anyone else who marked for it), with their tallies
    beside the EPAO's. Four queries whatever the number of assessors and decisions."""
    decisions = _decisions(epao.pk)
    people: dict[int, User] = {
        m.user_id: m.user
        for m in Membership.objects.filter(organisation=epao, role=Role.ASSESSOR).select_related(
            "user"
        )
    }
    grades: dict[int, list[Grade | None]] = defaultdict(list)
    per_method: dict[tuple[int, Method], list[Grade | None]] = defaultdict(list)
    for user, method, grade in decisions:
        people.setdefault(user.pk, user)
        grades[user.pk].append(grade)
        per_method[(user.pk, method)].append(grade)
    epao_overall = tally(g for _, _, g in decisions)
    epao_methods = {m: tally(g for _, method, g in decisions if method == m) for m in METHODS}
    agreement = iqa_agreement(list(people))
    rows = []
    for user in sorted(people.values(), key=lambda u: (u.full_name, u.email)):
        overall = tally(grades[user.pk])
        methods = {m: tally(per_method[(user.pk, m)]) for m in METHODS}
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
