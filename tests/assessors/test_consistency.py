"""The consistency report (seed 003 §9) through its page and CSV: per assessor, decisions
and grade rates beside the EPAO's, outliers marked, IQA agreement "not yet reviewed"."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from html import unescape

import pytest

from openepa.domain.standard import Grade, Method
from openepa.quality import consistency as report_module
from openepa.quality.consistency import consistency_report, iqa_agreement
from openepa.quality.views import REPORT_PAGE_SIZE
from tests.personas import register
from tests.results.builders import submit

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def decisions(world, assessor, grades: list[str], method: str = "showcase") -> None:
    day = date(2026, 10, 1)
    for i, grade in enumerate(grades):
        submit(world.enrolment, method, on=day + timedelta(days=i), grade=grade, assessor=assessor)


@pytest.fixture
def marked(world):
    # Ian: five distinctions; Sue: five passes and a fail. EPAO: 5 D, 5 P, 1 F.
    decisions(world, world.assessor, ["distinction"] * 5)
    decisions(world, world.second_assessor, ["pass"] * 5 + ["fail"], method="discussion")
    return world


def test_the_report_puts_each_assessor_beside_the_epao(marked):
    report = consistency_report(marked.epao)
    assert report.overall.decisions == 11
    assert report.overall.count(Grade.DISTINCTION) == 5
    ian, sue = report.rows
    assert str(ian.assessor) == "Ian Assessor"
    assert ian.overall.rate(Grade.DISTINCTION) == 100.0
    assert ian.outliers == (Grade.PASS, Grade.DISTINCTION)
    assert ian.by_method[Method.SHOWCASE].decisions == 5
    assert sue.outliers == (Grade.PASS, Grade.DISTINCTION)  # 83 % pass vs 45 %; 0 % vs 45 %
    assert sue.iqa is None


def test_the_admin_sees_the_report_with_outliers(client, marked):
    client.force_login(marked.admin)
    html = text(client.get("/assessors/consistency/"))
    assert "Northern EPAO" in html
    assert "EPAO overall: 11 decisions; pass 45%, distinction 45%, fail 9%." in html
    assert 'Ian Assessor <strong class="govuk-tag govuk-tag--red">Outlier</strong>' in html
    assert "100% (45%)" in html
    assert "Not yet reviewed" in html
    assert "more than 20 percentage points from the EPAO's" in html


def test_the_iqa_sees_the_report_and_the_csv(client, marked):
    client.force_login(marked.iqa)
    assert client.get("/assessors/consistency/").status_code == 200
    response = client.get("/assessors/consistency.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    overall = {r["Assessor"]: r for r in rows if r["Scope"] == "overall"}
    assert overall["Ian Assessor"]["Decisions"] == "5"
    assert overall["Ian Assessor"]["Distinction rate"] == "100%"
    assert overall["Ian Assessor"]["EPAO distinction rate"] == "45%"
    assert overall["Ian Assessor"]["Outlier grades"] == "pass distinction"
    assert overall["Sue Assessor"]["Fail rate"] == "17%"
    assert {r["Scope"] for r in rows} == {"overall", "showcase", "observation", "discussion"}


def test_few_decisions_are_not_outliers(world):
    decisions(world, world.assessor, ["distinction"] * 4)
    decisions(world, world.second_assessor, ["pass"] * 4, method="discussion")
    assert not any(row.is_outlier for row in consistency_report(world.epao).rows)


def test_iqa_agreement_is_the_seam_and_shows_when_connected(client, marked, monkeypatch):
    assert iqa_agreement([marked.assessor.pk], marked.epao.pk) == {}
    monkeypatch.setattr(
        report_module, "iqa_agreement", lambda ids, epao_id: {marked.assessor.pk: (9, 10)}
    )
    client.force_login(marked.admin)
    assert "90% (9 of 10)" in text(client.get("/assessors/consistency/"))


@pytest.mark.parametrize(
    "persona",
    ["assessor", "employer", "provider", "apprentice", "outsider_assessor", "anonymous"],
)
def test_others_cannot_see_the_report(client, marked, persona):
    user = marked.personas()[persona]
    if user is not None:
        client.force_login(user)
    for url in ("/assessors/consistency/", "/assessors/consistency.csv"):
        response = client.get(url)
        assert response.status_code == (302 if user is None else 404)


def test_another_epaos_admin_sees_only_their_own(client, marked):
    client.force_login(marked.outsider_admin)
    html = text(client.get("/assessors/consistency/"))
    assert "Southern EPAO" in html
    assert "Ian Assessor" not in html


def _assessors_with_a_decision(world, rows: int) -> None:
    from openepa.accounts.models import Role
    from tests.personas import person

    enrolments = [world.enrolment] + [
        register(
            world.provider_user,
            epao=world.epao,
            employer=world.employer,
            provider=world.provider,
            given=f"Learner{i}",
        )
        for i in range(rows // 10)
    ]
    for i in range(rows):
        assessor = person(f"x{i}@northern.example", f"Assessor {i:02}", world.epao, Role.ASSESSOR)
        submit(
            enrolments[i % len(enrolments)],
            ("showcase", "observation", "discussion")[i % 3],
            on=date(2026, 10, 1) + timedelta(days=i),
            grade=("pass", "distinction", "fail")[i % 3],
            assessor=assessor,
        )


@pytest.mark.parametrize("rows", [1, 50])
def test_report_query_count(client, world, django_assert_max_num_queries, rows):
    _assessors_with_a_decision(world, rows)
    client.force_login(world.admin)
    with django_assert_max_num_queries(12):
        page = client.get("/assessors/consistency/")
    # A page of assessors at most, whatever their number.
    assert text(page).count("Assessor ") >= min(rows, REPORT_PAGE_SIZE)
    with django_assert_max_num_queries(12):
        body = b"".join(client.get("/assessors/consistency.csv").streaming_content)
    # The download has every assessor: four lines each (overall and each method).
    overall = [
        r for r in csv.DictReader(io.StringIO(body.decode("utf-8-sig"))) if r["Scope"] == "overall"
    ]
    assert len(overall) >= rows


def test_the_report_pages_through_the_assessors_by_name(client, world):
    """Three pages of assessors: each page shows at most its page size, every assessor
    once, in name order, with the count; the page links keep the EPAO chosen."""
    _assessors_with_a_decision(world, 2 * REPORT_PAGE_SIZE + 3)
    total = 2 * REPORT_PAGE_SIZE + 3 + 2  # and Ian and Sue, who have no decision yet
    client.force_login(world.admin)
    seen = []
    for number in (1, 2, 3):
        html = text(client.get(f"/assessors/consistency/?epao={world.epao.pk}&page={number}"))
        names = re.findall(r'data-label="Assessor">([^<]+?)(?: <strong|</th>)', html)
        assert len(names) <= REPORT_PAGE_SIZE
        assert f"{total} assessors, by name" in html
        seen += names
        if number < 3:
            assert f"?epao={world.epao.pk}&page={number + 1}" in html
    assert len(seen) == total == len(set(seen))
    assert seen == sorted(seen)
    report = consistency_report(world.epao)
    assert [str(row.assessor) for row in report.rows] == seen


def test_an_assessors_name_is_shown_escaped_in_the_table(client, marked):
    """The table's body is written without the template engine: the name a person typed
    is escaped there, the figures beside it as the template showed them."""
    marked.assessor.full_name = 'Ian <b>"Bold"</b> & Co'
    marked.assessor.save(update_fields=["full_name"])
    client.force_login(marked.admin)
    html = client.get("/assessors/consistency/").content.decode()
    assert (
        'data-label="Assessor">Ian &lt;b&gt;&quot;Bold&quot;&lt;/b&gt; &amp; Co'
        ' <strong class="govuk-tag govuk-tag--red">Outlier</strong></th>'
    ) in html
    assert "<b>" not in html
    assert '<td class="govuk-table__cell" data-label="Decisions">5</td>' in html
    assert (
        '<td class="govuk-table__cell" data-label="Distinction">100% (45%) '
        '<strong class="govuk-tag govuk-tag--red">Outlier</strong></td>'
    ) in html
