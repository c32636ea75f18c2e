"""Enquiries about results and appeals through the pages (issue 5 §3; seed 000 §3): raised
by the apprentice, employer or provider about a released result or a decision; received →
under review → upheld / not upheld → closed; an independent reviewer and appeal panel (seed
003 §6, §9); an upheld case changes a grade only through a recorded amendment that
re-grades and re-issues the result."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from openepa.assessments.layout import outcome_field
from openepa.assessments.models import Amendment, Attempt
from openepa.cases.models import Case, ReasonableAdjustment
from openepa.domain.policy import Anchor, Period, Policy
from openepa.policies import loader
from openepa.results.models import OverallResult
from tests.cases.helpers import GROUNDS, NEEDS, client_for, on, page, released, timeline_text

pytestmark = pytest.mark.django_db

FAILED_OBSERVATION = {"showcase": "pass", "observation": "fail", "discussion": "pass"}


def raise_case(world, user, subject, kind="enquiry", grounds=GROUNDS):
    return client_for(user).post(
        f"/cases/enrolment/{world.enrolment.pk}/new",
        {"kind": kind, "subject": subject, "grounds": grounds},
    )


def review(world, case, reviewer, panel=()):
    return client_for(world.admin).post(
        f"/cases/{case.pk}/review",
        {"reviewer": reviewer.pk, "panel": [p.pk for p in panel], "version": case.version},
    )


def decide(world, case, decision, reason="The criterion was evidenced in the recording"):
    case.refresh_from_db()
    return client_for(world.admin).post(
        f"/cases/{case.pk}/decide",
        {"decision": decision, "reason": reason, "version": case.version},
    )


@pytest.fixture
def failed(world):
    return released(world, FAILED_OBSERVATION)


@pytest.mark.parametrize("persona", ["apprentice_user", "employer_user", "provider_user"])
def test_a_party_raises_an_enquiry_about_a_released_result(world, failed, persona):
    response = raise_case(world, getattr(world, persona), f"result:{failed.pk}")
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/"
    assert (case.kind, case.state, case.result, case.grounds) == (
        "enquiry",
        "received",
        failed,
        GROUNDS,
    )
    event = world.enrolment.events.get(action="case_raised")
    assert event.data == {"case_id": case.pk, "kind": "enquiry", "subject": "result"}
    assert GROUNDS not in timeline_text(world)


@pytest.mark.parametrize(
    "persona", ["outsider_employer", "outsider_provider", "assessor", "iqa", "admin"]
)
def test_nobody_else_raises_one(world, failed, persona):
    response = raise_case(world, world.personas()[persona], f"result:{failed.pk}")
    assert response.status_code == 404
    assert not Case.objects.exists()


def test_an_unreleased_result_cannot_be_enquired_about(world):
    from tests.results.builders import computed

    result = computed(world, FAILED_OBSERVATION)
    response = raise_case(world, world.apprentice_user, f"result:{result.pk}")
    assert "Select a valid choice" in page(response)
    assert not Case.objects.exists()


def test_outside_the_policys_window_it_is_refused_naming_the_policy_and_date(
    world, failed, monkeypatch
):
    real = loader.get_policy

    def with_window(code: str) -> Policy | None:
        policy = real(code)
        window = Period(Anchor.RESULTS_ISSUED, working_days=10)
        return dataclasses.replace(policy, enquiry_window=window) if policy else None

    monkeypatch.setattr(loader, "get_policy", with_window)
    # Released on Friday 18 December 2026: 10 working days skip Christmas and New Year.
    OverallResult.objects.filter(pk=failed.pk).update(
        released_at=datetime(2026, 12, 18, 12, tzinfo=UTC)
    )
    on(monkeypatch, date(2027, 1, 6))
    raise_case(world, world.employer_user, f"result:{failed.pk}")
    assert Case.objects.count() == 1
    Case.objects.all().delete()
    on(monkeypatch, date(2027, 1, 7))
    response = raise_case(world, world.employer_user, f"result:{failed.pk}")
    assert (
        "The time to raise an enquiry about results closed on 6 January 2027: Highfield "
        "Assessment's policy allows 10 working days from the results being issued "
        "(18 December 2026)." in page(response)
    )
    assert not Case.objects.exists()


def test_the_seeded_policy_sets_no_window_and_the_page_says_so(world, failed):
    html = page(client_for(world.apprentice_user).get(f"/cases/enrolment/{world.enrolment.pk}/new"))
    assert "enquiries — Highfield Assessment's policy sets no deadline" in html


def test_a_second_open_enquiry_about_the_same_result_is_refused(world, failed):
    raise_case(world, world.apprentice_user, f"result:{failed.pk}")
    response = raise_case(world, world.provider_user, f"result:{failed.pk}")
    assert "An enquiry about results about this is already open; follow it on its page." in page(
        response
    )


def test_the_assessor_of_the_decision_cannot_review_it(world, failed):
    raise_case(world, world.apprentice_user, f"result:{failed.pk}")
    case = Case.objects.get()
    response = review(world, case, world.assessor)
    assert (
        "Ian Assessor cannot review this enquiry about results: they assessed the showcase this "
        "result rests on. The reviewer must not be connected to the decision under review "
        "(ST0072 assessment plan (IfATE) — §6, §9)." in page(response)
    )
    response = review(world, case, world.admin)
    assert "Amina Admin cannot review this enquiry about results: they released this result." in (
        page(response)
    )
    case.refresh_from_db()
    assert case.state == "received"


def test_an_appeal_panel_with_no_unconnected_member_is_refused(world, failed):
    raise_case(world, world.employer_user, f"result:{failed.pk}", kind="appeal")
    case = Case.objects.get()
    response = review(world, case, world.second_assessor, panel=[world.assessor, world.admin])
    assert (
        "An appeal panel needs at least one member not connected to the decision under appeal; "
        "every member chosen is connected to it (ST0072 assessment plan (IfATE) — §6, §9)."
        in page(response)
    )
    response = review(world, case, world.second_assessor)
    assert "choose the panel's members (ST0072 assessment plan (IfATE) — §6, §9)" in page(response)
    response = review(world, case, world.second_assessor, panel=[world.assessor, world.iqa])
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "under_review"
    assert set(case.panel.all()) == {world.assessor, world.iqa}


def test_an_upheld_enquiry_changes_the_grade_only_through_a_recorded_amendment(world, failed):
    assert world.enrolment.__class__.objects.get(pk=world.enrolment.pk).state == "resit_due"
    raise_case(world, world.apprentice_user, f"result:{failed.pk}")
    case = Case.objects.get()
    review(world, case, world.second_assessor)
    decide(world, case, "upheld")
    case.refresh_from_db()
    assert case.state == "upheld"
    observation = Attempt.objects.get(pk__in=failed.attempt_ids, method="observation")
    # The builder fails the method on its first pass criterion (the first row written).
    code = observation.judgements.filter(outcome="not_met").order_by("id")[0].criterion_code

    # The sheet under the released result is not amended outside the case.
    direct = client_for(world.admin).post(
        f"/marking/attempt/{observation.pk}/amend",
        {outcome_field(code): "met", "reason": "Fix", "version": observation.version},
    )
    assert (
        "This marking sheet counts towards a released result, so it can be changed only "
        "through an upheld enquiry about results or appeal, from the case's page." in page(direct)
    )

    admin = client_for(world.admin)
    assert f"/cases/{case.pk}/amend/{observation.pk}" in page(admin.get(f"/cases/{case.pk}/"))
    response = admin.post(
        f"/cases/{case.pk}/amend/{observation.pk}",
        {outcome_field(code): "met", "version": observation.version},
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert amendment.reason.startswith(f"Enquiry about results {case.pk} upheld on ")
    assert amendment.changes == {code: {"from": "not_met", "to": "met"}}
    new = OverallResult.objects.get(superseded_at__isnull=True, released_at__isnull=False)
    assert new.grade == "pass"
    failed.refresh_from_db()
    assert failed.superseded_at is not None
    enrolment = world.enrolment.__class__.objects.get(pk=world.enrolment.pk)
    assert enrolment.state == "results_issued"
    actions = list(enrolment.events.values_list("action", flat=True))
    assert actions[-3:] == ["amend_marking_sheet", "reissue_results", "case_amendment"]
    # The parties are told through the timeline, and see the new grade.
    apprentice = client_for(world.apprentice_user)
    assert "Pass" in page(apprentice.get(f"/results/{new.pk}/"))
    home = page(apprentice.get("/"))
    assert f"/results/{new.pk}/" in home
    assert f"/results/{failed.pk}/" not in home
    case.refresh_from_db()
    assert case.result == new
    assert list(case.amendments.all()) == [amendment]

    response = admin.post(f"/cases/{case.pk}/close", {"note": "", "version": case.version})
    case.refresh_from_db()
    assert case.state == "closed"
    assert world.enrolment.events.filter(action="case_closed").exists()


def test_amending_through_a_case_not_upheld_is_refused(world, failed):
    raise_case(world, world.apprentice_user, f"result:{failed.pk}")
    case = Case.objects.get()
    review(world, case, world.second_assessor)
    decide(world, case, "not_upheld", reason="The judgement stands")
    observation = Attempt.objects.get(pk__in=failed.attempt_ids, method="observation")
    response = client_for(world.admin).get(f"/cases/{case.pk}/amend/{observation.pk}")
    assert response["Location"] == f"/cases/{case.pk}/"
    assert not Amendment.objects.exists()
    html = page(client_for(world.provider_user).get(f"/cases/{case.pk}/"))
    assert "Not upheld" in html
    assert "The judgement stands" in html
    assert "was decided by" in html  # the case's history, as sentences
    assert "Outcome: not upheld." in html
    assert "started the review of" in html


def test_a_decision_before_review_and_a_close_before_decision_are_refused(world, failed):
    raise_case(world, world.apprentice_user, f"result:{failed.pk}")
    case = Case.objects.get()
    response = decide(world, case, "upheld")
    assert "This case is received, so it cannot uphold." in page(response)
    response = client_for(world.admin).post(
        f"/cases/{case.pk}/close", {"note": "", "version": case.version}
    )
    assert "This case is received, so it cannot close." in page(response)


def test_a_decision_on_an_adjustment_can_be_appealed_and_an_upheld_appeal_reopens_it(world):
    client_for(world.provider_user).post(
        f"/cases/enrolment/{world.enrolment.pk}/adjustments/new",
        {"needs": NEEDS, "arrangement": "A reader", "late_reason": ""},
    )
    adjustment = ReasonableAdjustment.objects.get()
    client_for(world.admin).post(
        f"/cases/adjustments/{adjustment.pk}/decide",
        {"decision": "reject", "reason": "No evidence", "version": adjustment.version},
    )
    refused = raise_case(world, world.provider_user, f"adjustment:{adjustment.pk}")
    assert (
        "An enquiry about results is about a released result; to challenge a decision on an "
        "adjustment or a special consideration, raise an appeal." in page(refused)
    )
    raise_case(world, world.provider_user, f"adjustment:{adjustment.pk}", kind="appeal")
    case = Case.objects.get()
    response = review(world, case, world.admin, panel=[world.iqa])
    assert "Amina Admin cannot review this appeal: they made the decision under appeal." in page(
        response
    )
    review(world, case, world.second_assessor, panel=[world.iqa])
    decide(world, case, "upheld", reason="The evidence was attached after all")
    adjustment.refresh_from_db()
    assert (adjustment.state, adjustment.decided_by) == ("requested", None)
    event = world.enrolment.events.get(action="case_decided")
    assert event.data == {"case_id": case.pk, "outcome": "upheld", "reopened": "adjustment"}


def test_the_grounds_are_seen_only_by_the_apprentice_the_raiser_and_the_admins(world, failed):
    raise_case(world, world.employer_user, f"result:{failed.pk}", kind="appeal")
    case = Case.objects.get()
    url = f"/cases/{case.pk}/"
    for user in (world.apprentice_user, world.employer_user, world.admin):
        assert GROUNDS in page(client_for(user).get(url))
    provider = client_for(world.provider_user).get(url)
    assert provider.status_code == 200
    assert GROUNDS not in page(provider)
    for persona in ("outsider_employer", "outsider_provider", "assessor", "iqa", "outsider_admin"):
        assert client_for(world.personas()[persona]).get(url).status_code == 404, persona
    for user, address in (
        (world.admin, "/"),
        (world.admin, "/cases/"),
        (world.provider_user, "/"),
        (world.apprentice_user, f"/enrolments/{world.enrolment.pk}/"),
    ):
        assert GROUNDS not in page(client_for(user).get(address)), address
