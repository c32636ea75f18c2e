"""Gateway through the pages: the provider and employer prepare a task list (details,
documents, each party's sign-off), check their answers and submit; the EPAO admin opens each
document, accepts each requirement or returns it with a reason; returned requirements come
back as tasks to redo; every version stays (seed 000 §2.2)."""

from __future__ import annotations

from html import unescape

import pytest

from openepa.enrolments.models import Enrolment, JourneyEvent
from openepa.gateway.models import GatewayItem, GatewaySubmission, RequirementReview
from tests.gateway.through_pages import (
    PDF,
    base,
    prepare,
    review,
    review_all,
    save_details,
    sign,
    submit,
    task_url,
    upload,
    version,
)

pytestmark = pytest.mark.django_db


def url(world, name):
    return f"{base(world)}{name}"


def refresh(world):
    world.enrolment.refresh_from_db()
    return world.enrolment


def page(client, address) -> str:
    response = client.get(address)
    assert response.status_code == 200
    html: str = response.content.decode()
    return html


def test_the_task_list_has_a_task_for_each_requirement_of_the_policy(client, world):
    client.force_login(world.provider_user)
    html = page(client, url(world, "submit/"))
    assert 'class="govuk-task-list"' in html
    # Highfield: the meeting record and both sign-offs; the format is chosen in the details.
    for title in (
        "Gateway meeting, English and maths",
        "Gateway meeting record",
        "Employer sign-off",
        "Training provider sign-off",
    ):
        assert title in html
    assert "Apprentice showcase" not in html  # NQual takes it at gateway, Highfield does not
    assert html.count("Not yet started") == 4
    assert "You have completed 0 of 4 tasks" in html


def test_a_requested_adjustment_adds_its_form_as_a_task(client, world):
    client.force_login(world.provider_user)
    assert save_details(client, world, adjustment_requested="on").status_code == 302
    html = page(client, url(world, "submit/"))
    assert "Reasonable adjustment request form" in html
    assert "You have completed 1 of 5 tasks" in html


def test_submit_return_redo_accept_keeps_every_version(client, world):
    # The provider prepares everything, recording maths below Level 1.
    assert prepare(client, world, maths="entry_3").status_code == 302
    assert refresh(world).state == "gateway_submitted"
    first = GatewaySubmission.objects.get()
    assert set(first.task_items) == {
        "details",
        "gateway_meeting_record",
        "employer_sign_off",
        "provider_sign_off",
    }
    assert sorted(first.evidence) == [
        "employer_sign_off",
        "gateway_meeting_record",
        "provider_sign_off",
    ]
    record_v1 = GatewayItem.objects.get(task="gateway_meeting_record")

    # The admin opens the document, sees the unmet rule, and cannot accept yet.
    client.force_login(world.admin)
    html = page(client, url(world, ""))
    assert f"/gateway/documents/{record_v1.pk}/download" in html
    assert "maths at Level 1 is required; recorded: entry 3" in html
    assert html.count("Not reviewed yet") == 4
    download = client.get(f"/gateway/documents/{record_v1.pk}/download")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    refused = client.post(url(world, "accept/"), {"version": version(world)})
    assert (
        "Gateway cannot be accepted until every requirement is accepted: 4 not accepted yet"
        in refused.content.decode()
    )
    early = client.post(url(world, "reject/"), {"version": version(world), "reasons": ""})
    assert "Review every requirement before returning the gateway" in early.content.decode()

    # Returning a requirement needs a reason.
    no_reason = review(client, world, "details", accept=False)
    assert no_reason.status_code == 400
    assert "Give the reason for returning this requirement" in no_reason.content.decode()
    review_all(
        client,
        world,
        returned={
            "details": "The maths certificate shows Entry Level 3: Level 1 is needed.",
            "gateway_meeting_record": "The record is not signed by the employer.",
        },
    )
    html = page(client, url(world, ""))
    assert "Return the gateway to the provider" in html
    assert "Accept gateway</button>" not in html
    returned = client.post(url(world, "reject/"), {"version": version(world), "reasons": ""})
    assert returned.status_code == 302
    assert refresh(world).state == "gateway_rejected"
    first.refresh_from_db()
    assert first.decided_by == world.admin
    assert "- Gateway meeting record: The record is not signed by the employer." in (
        first.decision_reasons
    )

    # The provider and the employer see which requirements came back and why.
    for person in (world.provider_user, world.employer_user):
        client.force_login(person)
        html = page(client, url(world, "submit/"))
        assert html.count('govuk-tag--red">To redo') == 2
        assert "Returned by the EPAO: The record is not signed by the employer." in html
        assert html.count('govuk-tag--green">Accepted by the EPAO') == 2  # sign-offs kept
    client.force_login(world.provider_user)
    refused = submit(client, world)
    assert "The gateway cannot be submitted yet: 2 task(s) not done" in refused.content.decode()
    # An accepted requirement is kept as it is: no form to sign it again.
    kept = page(client, task_url(world, "provider_sign_off"))
    assert "Accepted by the EPAO" in kept
    assert "Sign again" not in kept

    # Redo: new details, a second version of the record; the first stays.
    assert save_details(client, world, maths="level_1").status_code == 302
    assert upload(client, world, "gateway_meeting_record", title="Signed record").status_code == 302
    html = page(client, url(world, "check/"))
    assert "Check your answers before submitting the gateway" in html
    assert "2 November 2026" in html  # the meeting's date, in words
    assert "version 2" in html
    assert submit(client, world).status_code == 302
    second = GatewaySubmission.objects.order_by("-id").first()
    assert second is not None
    assert second.pk != first.pk
    # The accepted sign-offs are carried over as the very items accepted.
    assert second.task_items["employer_sign_off"] == first.task_items["employer_sign_off"]
    assert second.task_items["gateway_meeting_record"] != first.task_items["gateway_meeting_record"]

    client.force_login(world.admin)
    html = page(client, url(world, ""))
    assert "Every document submitted" in html
    assert "2 documents" in html  # both versions of the meeting record
    review_all(client, world)
    assert client.post(url(world, "accept/"), {"version": version(world)}).status_code == 302
    enrolment = refresh(world)
    assert enrolment.state == "gateway_accepted"
    second.refresh_from_db()
    assert second.status == "accepted"
    assert second.decided_by == world.admin

    # Nothing was overwritten: two versions of the record and of the details, each with
    # who and when, every review kept, every step on the timeline.
    records = GatewayItem.objects.filter(task="gateway_meeting_record").order_by("number")
    assert [(r.number, r.created_by_id) for r in records] == [
        (1, world.provider_user.pk),
        (2, world.provider_user.pk),
    ]
    assert GatewayItem.objects.filter(task="details").count() == 2
    assert RequirementReview.objects.filter(submission=first).count() == 4
    assert RequirementReview.objects.filter(submission=second).count() == 4
    assert client.get(f"/gateway/documents/{records[0].pk}/download").status_code == 200
    actions = list(
        JourneyEvent.objects.filter(enrolment=enrolment)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions.count("gateway_document_uploaded") == 2
    assert actions.count("gateway_requirement_reviewed") == 8
    assert actions.count("gateway_signed_off") == 2
    assert [a for a in actions if a.endswith("_gateway")] == [
        "submit_gateway",
        "reject_gateway",
        "submit_gateway",
        "accept_gateway",
    ]
    client.force_login(world.provider_user)
    timeline = page(client, f"/enrolments/{enrolment.pk}/")
    assert "added a document to" in timeline


def test_a_rule_not_met_is_not_accepted_even_with_every_requirement_accepted(client, world):
    prepare(client, world, maths="entry_3")
    review_all(client, world)
    refused = client.post(url(world, "accept/"), {"version": version(world)})
    html = refused.content.decode()
    assert "Gateway cannot be accepted: 1 requirement(s) not met" in html
    assert "Return the requirement concerned" in html
    assert refresh(world).state == "gateway_submitted"
    # The admin changes their mind on the details: a new review, the first one kept.
    assert (
        review(client, world, "details", accept=False, reason="Maths is below Level 1.").status_code
        == 302
    )
    assert RequirementReview.objects.filter(task="details").count() == 2
    assert (
        client.post(url(world, "reject/"), {"version": version(world), "reasons": ""}).status_code
        == 302
    )
    assert refresh(world).state == "gateway_rejected"


def test_each_party_signs_off_with_their_own_login(client, world):
    client.force_login(world.provider_user)
    html = unescape(page(client, task_url(world, "employer_sign_off")))
    assert "Only the apprentice's employer signs this" in html
    refused = sign(client, world, "employer_sign_off")
    assert "Only the apprentice's employer signs this, signed in as themselves." in unescape(
        refused.content.decode()
    )
    client.force_login(world.employer_user)
    refused = sign(client, world, "provider_sign_off")
    assert "Only the apprentice's training provider signs this" in unescape(
        refused.content.decode()
    )
    unticked = sign(client, world, "employer_sign_off", confirmed=False)
    assert "Tick the declaration to sign off." in unticked.content.decode()
    assert not GatewayItem.objects.exists()
    assert sign(client, world, "employer_sign_off").status_code == 302
    signed = GatewayItem.objects.get()
    assert (signed.task, signed.created_by) == ("employer_sign_off", world.employer_user)
    assert "I confirm for the employer" in signed.declaration


def test_uploads_are_checked_like_showcase_evidence(client, world, uploads):
    client.force_login(world.provider_user)
    fake = upload(client, world, "gateway_meeting_record", content=b"MZ not a pdf")
    html = fake.content.decode()
    assert "The file must be a PDF, Word (.docx), PowerPoint (.pptx), PNG or JPEG file" in html
    empty = upload(client, world, "gateway_meeting_record", content=b"")
    assert "The submitted file is empty." in empty.content.decode() or (
        "The file is empty." in empty.content.decode()
    )
    untitled = upload(client, world, "gateway_meeting_record", title=" ")
    assert "This field is required." in untitled.content.decode() or (
        "Give the document a title" in untitled.content.decode()
    )
    assert not GatewayItem.objects.exists()
    assert not list(uploads.rglob("*.pdf")) if uploads.exists() else True
    # A sign-off task takes no document.
    upload(client, world, "employer_sign_off")
    assert not GatewayItem.objects.exists()


def test_a_document_added_by_mistake_is_withdrawn_before_submitting(client, world):
    client.force_login(world.provider_user)
    upload(client, world, "gateway_meeting_record", title="Wrong file")
    item = GatewayItem.objects.get()
    assert client.post(f"/gateway/documents/{item.pk}/withdraw").status_code == 302
    item.refresh_from_db()
    assert item.withdrawn_by == world.provider_user
    html = page(client, url(world, "submit/"))
    assert html.count("Not yet started") == 4
    assert client.get(f"/gateway/documents/{item.pk}/download").status_code == 404


def test_submitting_needs_every_task_and_the_declaration(client, world):
    client.force_login(world.provider_user)
    save_details(client, world)
    refused = submit(client, world)
    html = refused.content.decode()
    assert "The gateway cannot be submitted yet: 3 task(s) not done" in html
    assert "Gateway meeting record (not yet started)" in html
    undeclared = submit(client, world, declared=False)
    assert "Confirm the declaration before submitting the gateway." in undeclared.content.decode()
    assert refresh(world).state == "registered"
    assert not GatewaySubmission.objects.exists()


def test_the_employer_can_submit_too(client, world):
    assert prepare(client, world, submitter=world.employer_user).status_code == 302
    assert GatewaySubmission.objects.get().submitted_by == world.employer_user


def test_a_second_submission_while_one_is_open_is_refused(client, world):
    prepare(client, world)
    html = page(client, url(world, "check/"))
    assert "Accept and submit the gateway" not in html
    again = submit(client, world)
    assert again.status_code == 200
    assert GatewaySubmission.objects.count() == 1
    html = save_details(client, world).content.decode()
    assert "The gateway is gateway submitted: nothing can be changed now." in html or (
        "Save and return" not in html
    )
    assert GatewayItem.objects.filter(task="details").count() == 1


def test_a_gateway_meeting_in_the_future_is_refused(client, world):
    client.force_login(world.provider_user)
    refused = save_details(client, world, gateway_date="2099-01-05")
    assert "The gateway meeting date cannot be in the future" in refused.content.decode()
    assert not GatewayItem.objects.exists()


def test_a_stale_check_your_answers_page_is_refused(client, world):
    client.force_login(world.provider_user)
    response = client.post(url(world, "check/"), {"version": version(world) - 1, "declared": "on"})
    assert "changed by someone else" in response.content.decode()


@pytest.mark.parametrize(
    "persona",
    [
        "assessor",
        "iqa",
        "admin",
        "apprentice",
        "outsider_admin",
        "outsider_employer",
        "outsider_provider",
        "outsider_assessor",
    ],
)
def test_only_the_provider_and_employer_prepare_the_gateway(client, world, persona):
    client.force_login(world.personas()[persona])
    for name in ("submit/", "tasks/details/", "tasks/gateway_meeting_record/", "check/"):
        assert client.get(url(world, name)).status_code == 404
    assert save_details(client, world).status_code == 404
    assert upload(client, world, "gateway_meeting_record").status_code == 404
    assert submit(client, world).status_code == 404
    assert not GatewayItem.objects.exists()
    assert refresh(world).state == "registered"


@pytest.mark.parametrize(
    "persona",
    [
        "assessor",
        "apprentice",
        "outsider_admin",
        "outsider_employer",
        "outsider_provider",
        "outsider_assessor",
    ],
)
def test_outsiders_cannot_see_the_gateway_or_its_documents(client, world, persona):
    prepare(client, world)
    document = GatewayItem.objects.get(kind="document")
    client.force_login(world.personas()[persona])
    assert client.get(url(world, "")).status_code == 404
    assert client.get(f"/gateway/documents/{document.pk}/download").status_code == 404


@pytest.mark.parametrize("persona", ["provider", "employer", "iqa", "outsider_admin"])
def test_only_the_epao_admin_reviews_and_decides(client, world, persona):
    prepare(client, world)
    client.force_login(world.personas()[persona])
    assert review(client, world, "details").status_code == 404
    assert client.post(url(world, "accept/"), {"version": version(world)}).status_code == 404
    assert (
        client.post(url(world, "reject/"), {"version": version(world), "reasons": "x"}).status_code
        == 404
    )
    assert not RequirementReview.objects.exists()
    assert refresh(world).state == "gateway_submitted"


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(url(world, ""))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_pages_are_accessible_forms(client, world):
    client.force_login(world.provider_user)
    html = page(client, task_url(world, "details"))
    assert 'id="id_gateway_date"' in html
    assert "Date of the gateway meeting" in html
    response = save_details(client, world, gateway_date="")
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert 'href="#id_gateway_date_day"' in html  # the date input's first part
    assert "<script>" not in html
    assert "style=" not in html


def _submissions(world, n):
    GatewaySubmission.objects.bulk_create(
        GatewaySubmission(
            enrolment=world.enrolment,
            submitted_by=world.provider_user,
            gateway_date="2026-11-02",
            english="level_1",
            maths="level_1",
            evidence=["gateway_meeting_record"],
            status="rejected",
            decided_by=world.admin,
            decision_reasons="missing",
        )
        for _ in range(n)
    )


@pytest.mark.parametrize("rows", [1, 50])
def test_review_page_query_count_does_not_grow(client, world, django_assert_max_num_queries, rows):
    _submissions(world, rows)
    Enrolment.objects.filter(pk=world.enrolment.pk).update(state="gateway_submitted")
    client.force_login(world.admin)
    with django_assert_max_num_queries(14):
        response = client.get(url(world, ""))
    assert response.status_code == 200


@pytest.mark.parametrize("documents", [1, 30])
def test_task_pages_query_count_does_not_grow_with_documents(
    client, world, django_assert_max_num_queries, documents
):
    client.force_login(world.provider_user)
    for n in range(documents):
        upload(client, world, "gateway_meeting_record", title=f"Page {n}")
    for address in (url(world, "submit/"), task_url(world, "gateway_meeting_record")):
        with django_assert_max_num_queries(14):
            assert client.get(address).status_code == 200
