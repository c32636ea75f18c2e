"""On the full demo (200 apprentices in every state): every staff list and home page shows
at most a page, its query count does not grow when more rows wait, the counts by state the
database keeps match the enrolments, and the consistency report counted by the database
gives what regrading every sheet's judgements gives."""

from __future__ import annotations

import importlib
import re
from collections import Counter
from datetime import datetime
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Prefetch
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openepa.accounts.models import User
from openepa.assessments.models import Attempt, Judgement
from openepa.demo.people import demo_email
from openepa.domain.grading import AttemptKind, Outcome, grade_method
from openepa.domain.journey import State
from openepa.domain.standard import Method
from openepa.enrolments.domain_data import modes_of, standard_of
from openepa.enrolments.models import Apprentice, Enrolment, StateCount
from openepa.enrolments.queries import kept_counts
from openepa.organisations.models import Organisation
from openepa.quality.consistency import METHODS, consistency_report
from openepa.web.dashboards import sections_for

pytestmark = pytest.mark.django_db

#: Every list page of the staff, with the rows a page may show at most.
STAFF_LISTS = {
    "admin": [
        "/",
        "/enrolments/",
        "/enrolments/pipeline",
        "/enrolments/pipeline?state=completed",
        "/enrolments/pipeline?q=a",
        "/results/",
        "/certificates/",
        "/notifications/outbox/",
        "/assessors/",
        "/assessors/consistency/",
        "/cases/",
    ],
    "iqa": ["/", "/iqa/", "/assessors/consistency/"],
    "assessor": ["/", "/enrolments/", "/bookings/mine/"],
    "employer": ["/", "/enrolments/"],
    "provider": ["/", "/enrolments/"],
    "apprentice": ["/"],
}
#: A page lists at most 25 rows (a home section at most 10); a few more table rows are the
#: headings. The demo's 200 apprentices would overflow this if any list were unbounded.
MAX_TABLE_ROWS = 25 + 10
#: The issue's goal for the admin's home page at any volume.
MAX_HOME_BYTES = 100_000


def signed_in(local: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=demo_email(local)))
    return client


#: A chart's table has a row per bar: at most 12 (months, the most any chart draws).
MAX_CHART_ROWS = 12
CHART_TABLE = r'<table class="govuk-table app-chart__table[^"]*">.*?</table>'


def body_rows(html: str) -> int:
    """Rows of data in the page's tables and lists (headings left out), the charts' tables
    of numbers apart (bounded by `chart_rows`)."""
    tables = re.findall(r"<tbody.*?</tbody>", re.sub(CHART_TABLE, "", html, flags=re.S), flags=re.S)
    return sum(t.count("<tr") for t in tables)


def chart_rows(html: str) -> list[int]:
    """The rows of each chart's table of numbers."""
    return [t.count("<tr") - 1 for t in re.findall(CHART_TABLE, html, flags=re.S)]


@pytest.mark.parametrize("persona", list(STAFF_LISTS))
def test_every_list_and_home_page_shows_at_most_a_page(full_demo: datetime, persona: str) -> None:
    client = signed_in(persona)
    for url in STAFF_LISTS[persona]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert body_rows(html) <= MAX_TABLE_ROWS * (3 if url == "/" else 1), url
        assert all(n <= MAX_CHART_ROWS for n in chart_rows(html)), url
        if url == "/":
            assert len(response.content) <= MAX_HOME_BYTES
    for section in sections_for(User.objects.get(email=demo_email(persona))):
        for key, value in section["context"].items():
            if isinstance(value, list) and key != "counts":  # a count per state
                assert len(value) <= 10, section["title"]


def _queries(client: Client, url: str) -> int:
    cache.clear()  # the admin home's figures counted afresh, as on a first request
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _more_waiting(n: int) -> None:
    """n more enrolments in each state a home page or list section shows."""
    template = Enrolment.objects.filter(state=State.REGISTERED.value).first()
    assert template is not None
    states = [
        State.GATEWAY_SUBMITTED,
        State.GATEWAY_ACCEPTED,
        State.PLANNING,
        State.REGISTERED,
        State.GATEWAY_REJECTED,
    ]
    for i in range(n):
        for j, state in enumerate(states):
            apprentice = Apprentice.objects.create(
                uln=f"9{j}{i:08d}",
                given_name="Extra",
                family_name=f"Apprentice{j}{i:03d}",
                date_of_birth=template.apprentice.date_of_birth,
            )
            clone = Enrolment.objects.get(pk=template.pk)
            clone.pk = None
            clone.apprentice = apprentice
            clone.state = state.value
            clone.save()


def test_query_counts_stay_the_same_when_more_rows_wait(full_demo: datetime) -> None:
    pages = {p: STAFF_LISTS[p] for p in ("admin", "employer", "provider")}
    before = {(p, url): _queries(signed_in(p), url) for p, urls in pages.items() for url in urls}
    _more_waiting(30)
    after = {(p, url): _queries(signed_in(p), url) for p, urls in pages.items() for url in urls}
    assert after == before


def test_kept_counts_follow_every_write(full_demo: datetime) -> None:
    def counted() -> dict[tuple[int, str], int]:
        rows = Enrolment.objects.order_by().values_list("epao_id", "state").annotate(n=Count("pk"))
        return {(epao, state): n for epao, state, n in rows}

    def kept() -> dict[tuple[int, str], int]:
        rows = StateCount.objects.filter(n__gt=0).values_list("epao_id", "state", "n")
        return {(epao, state): n for epao, state, n in rows}

    assert kept() == counted()
    _more_waiting(3)  # inserts
    moved = Enrolment.objects.filter(state=State.PLANNING.value)[:4]
    Enrolment.objects.filter(pk__in=[e.pk for e in moved]).update(state=State.WITHDRAWN.value)
    Enrolment.objects.filter(apprentice__given_name="Extra", state="registered").delete()
    assert kept() == counted()
    epao = _demo_epao()
    shown = dict(kept_counts([epao.pk]))
    assert sum(shown.values()) == Enrolment.objects.filter(epao=epao).count()


def _demo_epao() -> Organisation:
    epaos = Organisation.objects.filter(kind=Organisation.Kind.EPAO, epao_enrolments__isnull=False)
    return epaos.distinct().get()


def _regraded(epao_id: int) -> list[tuple[int, Method, str]]:
    """The report's decisions as it computed them before grades were stored: every
    submitted sheet's judgements loaded and graded by the domain."""
    attempts = (
        Attempt.objects.filter(enrolment__epao_id=epao_id, status=Attempt.Status.SUBMITTED)
        .exclude(kind=AttemptKind.FOLLOW_UP.value)
        .select_related("enrolment__standard")
        .prefetch_related(Prefetch("judgements", queryset=Judgement.objects.all()))
    )
    out = []
    for a in attempts:
        outcomes = {j.criterion_code: Outcome(j.outcome) for j in a.judgements.all() if j.outcome}
        graded = grade_method(
            standard_of(a.enrolment), Method(a.method), modes_of(a.enrolment), outcomes
        )
        out.append((a.assessor_id, Method(a.method), graded.grade.value if graded.grade else ""))
    return out


def _as_counts(report: Any) -> dict[tuple[int, str], tuple[int, tuple[Any, ...]]]:
    found = {}
    for row in report.rows:
        found[(row.assessor.pk, "overall")] = (row.overall.decisions, row.overall.counts)
        for m in METHODS:
            found[(row.assessor.pk, m.value)] = (
                row.by_method[m].decisions,
                row.by_method[m].counts,
            )
    return found


def test_the_aggregate_report_equals_regrading_every_sheet(full_demo: datetime) -> None:
    epao = _demo_epao()
    decisions = _regraded(epao.pk)
    assert len(decisions) > 100
    report = consistency_report(epao)
    assert report.overall.decisions == len(decisions)
    by_grade = Counter(g for _, _, g in decisions)
    assert dict(report.overall.counts) == {
        g: by_grade[g.value] for g in dict(report.overall.counts)
    }
    expected = {}
    for row in report.rows:
        mine = [(m, g) for a, m, g in decisions if a == row.assessor.pk]
        for scope in ("overall", *(m.value for m in METHODS)):
            grades = [g for m, g in mine if scope in ("overall", m.value)]
            counter = Counter(grades)
            expected[(row.assessor.pk, scope)] = (
                len(grades),
                tuple((g, counter[g.value]) for g, _ in row.overall.counts),
            )
    assert _as_counts(report) == expected


def test_the_migration_grades_existing_sheets_as_submission_does(full_demo: datetime) -> None:
    stored = dict(Attempt.objects.values_list("pk", "method_grade"))
    assert any(stored.values())
    Attempt.objects.update(method_grade="")
    migration = importlib.import_module("openepa.assessments.migrations.0007_attempt_method_grade")
    migration.backfill(apps, None)
    assert dict(Attempt.objects.values_list("pk", "method_grade")) == stored
