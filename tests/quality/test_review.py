"""The IQA's review of a sampled decision: agree / disagree per criterion with comments, and
a recorded outcome: the grade stands (with a reason after a disagreement) or the sheet is
amended through the amendment action, which grades it again."""

from __future__ import annotations

from datetime import date

import pytest

from openepa.accounts.models import Role
from openepa.assessments.models import Amendment
from openepa.enrolments.models import JourneyEvent
from openepa.quality.models import IqaCriterionReview, IqaSample
from openepa.quality.queries import iqa_agreement
from tests.assessments.helpers import sheet_url
from tests.personas import person, register
from tests.quality.helpers import PASS, review_data, review_url, sampled, submit_showcase, text

pytestmark = pytest.mark.django_db


def post(client, user, sample, **kwargs):
    client.force_login(user)
    return client.post(review_url(sample), review_data(sample, **kwargs), follow=True)


def test_agreeing_with_every_criterion_signs_off_with_the_grade_standing(
    client, world, monkeypatch
):
    sample = sampled(world, monkeypatch)
    html = text(post(client, world.iqa, sample))
    assert "Sample signed off: grade stands." in html
    sample.refresh_from_db()
    assert (sample.state, sample.outcome, sample.reviewer) == (
        "signed_off",
        "grade_stands",
        world.iqa,
    )
    assert sample.signed_off_at is not None
    assert IqaCriterionReview.objects.filter(sample=sample, agree=True).count() == 40
    event = JourneyEvent.objects.get(enrolment=world.enrolment, action="iqa_signed_off")
    assert event.actor == world.iqa
    assert event.data["outcome"] == "grade_stands"
    assert event.data["disagreed"] == []
    # Signed off: the page is read-only, and a second sign-off is refused.
    assert "Your judgement of" not in html
    again = text(post(client, world.iqa, sample))
    assert "This sample was signed off by Quinn IQA on" in again
    assert "and can no longer change." in again


def test_saving_part_of_a_review_puts_it_in_review_for_that_iqa(client, world, monkeypatch):
    sample = sampled(world, monkeypatch)
    html = text(post(client, world.iqa, sample, intent="save", skip=("K2.2", "K2.3")))
    assert "Review saved. Sign off when every criterion is reviewed." in html
    sample.refresh_from_db()
    assert sample.state == "in_review"
    assert sample.reviewer == world.iqa
    assert "In review" in text(client.get("/iqa/"))

    refused = text(post(client, world.iqa, sample, skip=("K2.2", "K2.3")))
    assert (
        "Record agree or disagree for every criterion before signing off; still to review: "
        "K2.2, K2.3." in refused
    )
    colleague = person("ravi@northern.example", "Ravi IQA", world.epao, Role.IQA)
    taken = text(post(client, colleague, sample))
    assert "Quinn IQA is reviewing this sample; only they can continue the review." in taken


def test_a_stale_review_form_is_refused(client, world, monkeypatch):
    sample = sampled(world, monkeypatch)
    post(client, world.iqa, sample, intent="save")
    stale = text(post(client, world.iqa, sample, version=1))
    assert "This review was changed since you opened it" in stale
    sample.refresh_from_db()
    assert sample.state == "in_review"


def test_a_disagreement_needs_a_comment_and_an_outcome(client, world, monkeypatch):
    sample = sampled(world, monkeypatch)
    silent = text(post(client, world.iqa, sample, disagree={"K2.2": ""}))
    assert (
        "Say why you disagree with the assessor on K2.2; the comment is recorded with the "
        "review." in silent
    )
    no_outcome = text(post(client, world.iqa, sample, disagree={"K2.2": "Thin evidence."}))
    assert (
        "You disagreed on K2.2: record the outcome, either the grade stands (with your "
        "reason) or the sheet is amended." in no_outcome
    )
    no_reason = text(
        post(
            client,
            world.iqa,
            sample,
            disagree={"K2.2": "Thin evidence."},
            outcome="grade_stands",
        )
    )
    assert (
        "Give the reason for the outcome of your disagreement on K2.2; it is recorded with "
        "the sign-off." in no_reason
    )
    sample.refresh_from_db()
    assert sample.state == "queued"  # every refusal left nothing behind


def test_disagreement_with_the_grade_standing_records_the_reason(client, world, monkeypatch):
    sample = sampled(world, monkeypatch)
    html = text(
        post(
            client,
            world.iqa,
            sample,
            disagree={"K2.2": "The note does not say which aims."},
            outcome="grade_stands",
            comments="K2.2 alone does not change the Fail; feedback given to the assessor.",
        )
    )
    assert "Sample signed off: grade stands." in html
    sample.refresh_from_db()
    assert sample.outcome == "grade_stands"
    assert sample.comments.startswith("K2.2 alone does not change the Fail")
    review = IqaCriterionReview.objects.get(sample=sample, criterion_code="K2.2")
    assert (review.agree, review.comment) == (False, "The note does not say which aims.")
    assert not Amendment.objects.exists()
    assert "K2.2 alone does not change the Fail" in html


def test_disagreement_amends_the_sheet_through_the_amendment_action(client, world, monkeypatch):
    """The assessor failed K2.1; the IQA disagrees and amends it to met: the showcase is
    graded again (now a Pass) and the Amendment keeps the IQA's reason."""
    sample = sampled(world, monkeypatch)
    attempt = sample.attempt
    html = text(
        post(
            client,
            world.iqa,
            sample,
            disagree={"K2.1": "The report states the aims on page 2."},
            outcome="amended",
            comments="K2.1 was evidenced in the report.",
            changes={"K2.1": "met"},
        )
    )
    assert "Sample signed off: amended." in html
    amendment = Amendment.objects.get(attempt=attempt)
    assert amendment.amended_by == world.iqa
    assert amendment.reason == "Internal quality assurance: K2.1 was evidenced in the report."
    assert amendment.changes == {"K2.1": {"from": "not_met", "to": "met"}}
    assert attempt.judgements.get(criterion_code="K2.1").outcome == "met"
    assert ">Pass</strong>" in html  # the grade shown on the review page, graded again
    sample.refresh_from_db()
    assert (sample.state, sample.outcome) == ("signed_off", "amended")
    actions = list(
        JourneyEvent.objects.filter(enrolment=world.enrolment)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["amend_marking_sheet", "iqa_signed_off"]


def test_amending_is_refused_where_the_iqa_did_not_disagree(client, world, monkeypatch):
    sample = sampled(world, monkeypatch)
    all_agree = text(post(client, world.iqa, sample, outcome="amended", comments="x"))
    assert (
        "You agreed with every criterion, so there is nothing to amend: sign off with the "
        "grade standing." in all_agree
    )
    other = text(
        post(
            client,
            world.iqa,
            sample,
            disagree={"K2.1": "Evidenced."},
            outcome="amended",
            comments="Fix.",
            changes={"K2.1": "met", "K2.2": "not_met"},
        )
    )
    assert "Amend only criteria you disagreed with; you agreed with K2.2." in other
    no_change = text(
        post(
            client,
            world.iqa,
            sample,
            disagree={"K2.1": "Evidenced."},
            outcome="amended",
            comments="Fix.",
        )
    )
    assert (
        "Choose the new outcome of at least one criterion you disagreed with to amend the "
        "sheet." in no_change
    )
    assert not Amendment.objects.exists()


def test_an_iqa_cannot_use_the_admins_amendment_page(client, world, monkeypatch):
    sample = sampled(world, monkeypatch)
    client.force_login(world.iqa)
    response = client.post(
        f"/marking/attempt/{sample.attempt_id}/amend",
        {"version": sample.attempt.version, "outcome_K2_1": "met", "reason": "x"},
    )
    assert response.status_code == 404
    assert not Amendment.objects.exists()


def test_the_assessor_sees_the_iqa_review_of_their_decision_once_signed_off(
    client, world, monkeypatch
):
    sample = sampled(world, monkeypatch)
    client.force_login(world.assessor)
    before = text(client.get(sheet_url(sample.attempt.booking)))
    assert "Internal quality assurance" not in before
    post(
        client,
        world.iqa,
        sample,
        disagree={"K2.2": "Say which aims the report names."},
        outcome="grade_stands",
        comments="The Fail stands on K2.1.",
    )
    for user in (world.assessor, world.admin):
        client.force_login(user)
        page = text(client.get(sheet_url(sample.attempt.booking)))
        assert "Internal quality assurance" in page
        assert "Signed off by Quinn IQA" in page
        assert "K2.2: <strong>disagree</strong> — Say which aims the report names." in page
        assert "The Fail stands on K2.1." in page
    # The assessor still cannot open the IQA's page.
    client.force_login(world.assessor)
    assert client.get(review_url(sample)).status_code == 404


def _review_one_agreed_one_not(client, world, monkeypatch) -> None:
    """The IQA signs off two of the first assessor's decisions: one agreed in every
    criterion, one with a criterion disagreed (its grade still stands)."""
    first = sampled(world, monkeypatch)
    post(client, world.iqa, first)
    second = IqaSample.objects.create(
        attempt=_second_attempt(world), reason="rate", explanation="draw 1", draw=1
    )
    post(
        client,
        world.iqa,
        second,
        disagree={"K2.2": "Thin."},
        outcome="grade_stands",
        comments="Stands.",
    )


def test_agreement_per_assessor_counts_decisions(client, world, monkeypatch):
    _review_one_agreed_one_not(client, world, monkeypatch)
    assert iqa_agreement([world.assessor.pk, world.second_assessor.pk]) == {
        world.assessor.pk: (1, 2)
    }


def test_the_report_counts_agreement_per_decision_of_its_own_epao(client, world, monkeypatch):
    """The report's page counts the IQA agreement of its page of assessors in one grouped
    query: a decision with one criterion disagreed is reviewed but not agreed, and another
    EPAO's report counts none of them."""
    _review_one_agreed_one_not(client, world, monkeypatch)
    ids = [world.assessor.pk, world.second_assessor.pk]
    assert iqa_agreement(ids, epao_id=world.epao.pk) == {world.assessor.pk: (1, 2)}
    assert iqa_agreement(ids, epao_id=world.other_epao.pk) == {}
    client.force_login(world.admin)
    html = text(client.get("/assessors/consistency/"))
    assert "50% (1 of 2)" in html


def _second_attempt(world):
    enrolment = register(
        world.provider_user,
        epao=world.epao,
        employer=world.employer,
        provider=world.provider,
        given="Grace",
        family="Hopper",
    )
    return submit_showcase(world, PASS, enrolment=enrolment, on=date(2026, 3, 4))


def test_sign_off_is_refused_when_the_sheet_changed_since_the_review_opened(
    client, world, monkeypatch
):
    sample = sampled(world, monkeypatch)
    data = review_data(sample)  # the IQA's page, opened now
    client.force_login(world.admin)
    client.post(
        f"/marking/attempt/{sample.attempt_id}/amend",
        {"version": sample.attempt.version, "outcome_K2_2": "not_met", "reason": "Typo."},
    )
    client.force_login(world.iqa)
    refused = text(client.post(review_url(sample), data))
    assert (
        "The marking sheet was changed since you opened this review. Nothing was signed off: "
        "reload to see the latest sheet." in refused
    )
    sample.refresh_from_db()
    assert sample.state == "queued"


def test_the_consistency_report_shows_the_iqa_agreement_rate(client, world, monkeypatch):
    """The assessors' consistency report (issue 5 §6) reads IQA reviews through
    quality.queries.iqa_agreement: one decision reviewed and agreed → 100% (1 of 1)."""
    sample = sampled(world, monkeypatch)
    post(client, world.iqa, sample)
    client.force_login(world.admin)
    html = text(client.get("/assessors/consistency/"))
    assert "100% (1 of 1)" in html
