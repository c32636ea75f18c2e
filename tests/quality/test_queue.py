"""The IQA queue and who may open a sample: the EPAO's IQAs review, its admins follow
read-only, everyone else gets a 404; an IQA never reviews a decision they assessed or an
apprentice whose EPA they assessed any part of (seed 003 §9)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openepa.accounts.models import Role
from openepa.quality.models import IqaCriterionReview, IqaSample
from tests.personas import person
from tests.quality.helpers import (
    PASS,
    give_role,
    review_data,
    review_url,
    sampled,
    submit_showcase,
    text,
    with_plan,
)
from tests.results.builders import another_enrolment, submit

pytestmark = pytest.mark.django_db


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_the_epaos_iqa_sees_the_sample_in_the_queue_and_opens_it(client, world, monkeypatch):
    sample = sampled(world, monkeypatch, notes={"K2.1": "No aims were stated in the report."})
    queue = text(get(client, world.iqa, "/iqa/"))
    assert "1 sample waiting." in queue
    assert "Ada Lovelace" in queue
    assert "Every decision of this grade is sampled: every Fail decision is sampled" in queue
    assert review_url(sample) in queue

    page = text(get(client, world.iqa, review_url(sample)))
    assert "Apprentice showcase" in page
    assert "No aims were stated in the report." in page  # the assessor's evidence note
    assert "Your judgement of K2.1" in page
    assert "Sign off" in page


def test_a_queue_row_shows_the_decision_and_escapes_what_people_typed(client, world, monkeypatch):
    """The rows are written in Python (quality_tags.queue_rows), not by the template engine."""
    apprentice = world.enrolment.apprentice
    apprentice.given_name, apprentice.family_name = "<b>Ada</b>", "Love & Lace"
    apprentice.save()
    sample = sampled(world, monkeypatch)
    html = get(client, world.iqa, "/iqa/").content.decode()
    name = "&lt;b&gt;Ada&lt;/b&gt; Love &amp; Lace"
    assert f'<a class="govuk-link" href="{review_url(sample)}">{name}</a></th>' in html
    assert f'data-label="Decision">{sample.attempt.get_method_display()}, ' in html
    assert f'<strong class="govuk-tag govuk-tag--red">{sample.grade.capitalize()}</strong>' in html
    assert f'data-label="Assessor">{sample.attempt.assessor}</td>' in html
    assert (
        f'<span class="govuk-tag govuk-tag--grey">{sample.get_state_display()}</span></td></tr>'
        in html
    )
    assert "<b>" not in html


def test_outsiders_get_a_404(client, world, monkeypatch):
    sample = sampled(world, monkeypatch)
    other_iqa = person("ivy@southern.example", "Ivy Other IQA", world.other_epao, Role.IQA)
    personas = world.personas()
    for name in (
        "assessor",
        "second_assessor",
        "employer",
        "provider",
        "apprentice",
        "outsider_admin",
        "outsider_assessor",
    ):
        assert get(client, personas[name], review_url(sample)).status_code == 404, name
        if name != "outsider_admin":
            assert get(client, personas[name], "/iqa/").status_code == 404, name
    # Another EPAO's admin sees their own EPAO's open samples: none of this one's.
    assert "No samples are waiting for review." in text(
        get(client, personas["outsider_admin"], "/iqa/")
    )
    assert get(client, other_iqa, review_url(sample)).status_code == 404
    assert "No samples are waiting for review." in text(get(client, other_iqa, "/iqa/"))
    client.logout()
    assert client.get(review_url(sample))["Location"].startswith("/accounts/login/")
    client.force_login(world.iqa)
    assert client.get("/iqa/sample/987654321/").status_code == 404


def test_the_admin_follows_the_sample_read_only(client, world, monkeypatch):
    sample = sampled(world, monkeypatch)
    page = text(get(client, world.admin, review_url(sample)))
    assert "Waiting for review" in page
    assert "Sign off" not in page
    assert "Your judgement of" not in page
    refused = text(client.post(review_url(sample), review_data(sample)))
    assert "Only the EPAO's internal quality assurers can review a sample." in refused
    assert not IqaCriterionReview.objects.exists()


def test_an_iqa_who_assessed_the_decision_is_refused_with_the_reason(client, world, monkeypatch):
    give_role(world.iqa, world.epao, Role.ASSESSOR)
    sample = sampled(world, monkeypatch, assessor=world.iqa)
    assert "No samples are waiting for review." in text(get(client, world.iqa, "/iqa/"))

    page = text(get(client, world.iqa, review_url(sample)))
    message = (
        "You assessed this decision, so you cannot quality-assure it: internal quality "
        "assurance is done by someone not involved in assessing what they quality-assure "
        "(ST0072 assessment plan (IfATE) — §9). Another IQA of the EPAO will review it."
    )
    assert message in page
    assert "Your judgement of" not in page
    refused = text(client.post(review_url(sample), review_data(sample)))
    assert message in refused
    sample.refresh_from_db()
    assert sample.state == "queued"
    assert not IqaCriterionReview.objects.exists()

    # Another IQA of the EPAO sees it in the queue.
    colleague = person("ravi@northern.example", "Ravi IQA", world.epao, Role.IQA)
    assert review_url(sample) in text(get(client, colleague, "/iqa/"))


def test_an_iqa_who_assessed_another_method_of_the_epa_is_refused(client, world, monkeypatch):
    give_role(world.iqa, world.epao, Role.ASSESSOR)
    with_plan(monkeypatch, always=("fail",))
    submit_showcase(world, PASS, assessor=world.iqa)  # not sampled
    observation = submit(
        world.enrolment, "observation", on=date(2026, 3, 3), assessor=world.assessor
    )
    sample = IqaSample.objects.create(attempt=observation, reason="rate", explanation="x", draw=1)
    assert "No samples are waiting" in text(get(client, world.iqa, "/iqa/"))
    refused = text(client.post(review_url(sample), review_data(sample)))
    assert "You assessed part of this apprentice's EPA, so you cannot quality-assure it" in refused


def test_an_iqa_who_works_for_the_training_provider_is_refused(client, world, monkeypatch):
    give_role(world.iqa, world.provider, Role.PROVIDER)
    sample = sampled(world, monkeypatch)
    assert "No samples are waiting" in text(get(client, world.iqa, "/iqa/"))
    page = text(get(client, world.iqa, review_url(sample)))
    assert "You work for this apprentice's training provider" in page
    assert (
        "not involved in delivering what they quality-assure (ST0072 assessment plan (IfATE) — §9)"
        in page
    )


def many_samples(world, n: int) -> None:
    start = date(2026, 1, 5)
    for i in range(n):
        enrolment = another_enrolment(world, i) if i else world.enrolment
        attempt = submit(
            enrolment, "showcase", on=start + timedelta(days=i), assessor=world.assessor
        )
        IqaSample.objects.create(
            attempt=attempt, reason="rate", explanation=f"draw {i}", draw=i, grade="pass"
        )


@pytest.mark.parametrize("rows", [1, 50])
def test_the_queue_takes_the_same_queries_for_1_and_50_samples(
    client, world, rows, django_assert_max_num_queries
):
    many_samples(world, rows)
    client.force_login(world.iqa)
    client.get("/iqa/")  # warm the session and caches
    with django_assert_max_num_queries(6):
        response = client.get("/iqa/")
    assert f"{rows} sample{'s' if rows > 1 else ''} waiting." in text(response)


@pytest.mark.parametrize("rows", [1, 50])
def test_the_home_page_sections_take_the_same_queries_for_1_and_50_samples(
    client, world, rows, django_assert_max_num_queries
):
    many_samples(world, rows)
    give_role(world.iqa, world.epao, Role.EPAO_ADMIN)  # both sections on one page
    client.force_login(world.iqa)
    client.get("/")
    # The home page gathers every context's sections for an admin who is also an IQA (the
    # outbox, certificates, assessors' and cases' sections among them) and the admin's
    # figures and charts (issue 17), the re-allocation and missed-assessment sections and
    # figure (issue 16): 37 queries — the same at 1 and at 50 samples.
    with django_assert_max_num_queries(37):
        response = client.get("/")
    html = text(response)
    assert "IQA queue" in html
    assert "IQA samples awaiting sign-off" in html


def test_the_iqa_home_counts_the_queue_once_and_afresh_on_each_request(client, world):
    """The figure and the section show one count (quality.dashboard._queue_counted), read
    once for the page and again for the next one."""
    many_samples(world, 2)
    client.force_login(world.iqa)
    client.get("/")
    with CaptureQueriesContext(connection) as read:
        html = text(client.get("/"))
    counted = [
        q["sql"]
        for q in read.captured_queries
        if "COUNT(" in q["sql"] and 'FROM "quality_iqasample"' in q["sql"]
    ]
    assert len(counted) == 1
    assert "2 samples waiting;" in html
    IqaSample.objects.create(
        attempt=submit(
            another_enrolment(world, 7), "showcase", on=date(2026, 2, 2), assessor=world.assessor
        ),
        reason="rate",
        explanation="draw 7",
        draw=7,
        grade="pass",
    )
    html = text(client.get("/"))
    assert "3 samples waiting;" in html
    figure = '<span class="app-figures__value">3</span> <span class="app-figures__label">'
    assert figure + "samples waiting for your review</span>" in html
