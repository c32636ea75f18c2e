"""Bulk work through its pages (issue 17 item 2): an EPAO admin ticks rows (or every row
matching), confirms with the count, and reads the per-row report on a page and as CSV.
Each row goes through the one-by-one action: a row a rule refuses is reported with the
rule's words and the others go on. Every other role and an outsider get a 404."""

from __future__ import annotations

import csv
import io

import pytest

from openepa.bulk.models import BulkRow, BulkRun
from openepa.enrolments.models import Enrolment, JourneyEvent
from openepa.gateway.models import GatewaySubmission
from openepa.quality.models import IqaSample
from openepa.results.actions import do_compute_result
from openepa.results.models import OverallResult
from tests.journeys.driver import Journey
from tests.results.builders import all_grades, another_enrolment, assess, requiring_iqa

pytestmark = pytest.mark.django_db

OTHERS = (
    "assessor",
    "iqa",
    "employer",
    "provider",
    "apprentice",
    "outsider_employer",
    "outsider_provider",
)


def computed_for(world, enrolment: Enrolment, grade: str = "pass") -> OverallResult:
    assess(enrolment, all_grades(grade), assessor=world.assessor)
    return do_compute_result(enrolment_id=enrolment.pk, actor=world.assessor)


def three_results(world) -> list[OverallResult]:
    enrolments = [world.enrolment, another_enrolment(world, 1), another_enrolment(world, 2)]
    return [computed_for(world, e) for e in enrolments]


def held_for_iqa(monkeypatch, result: OverallResult) -> None:
    requiring_iqa(monkeypatch)
    IqaSample.objects.create(
        attempt_id=result.attempt_ids[0], reason="rate", explanation="sampled", draw=3
    )


def report_rows(client, run: BulkRun) -> list[dict[str, str]]:
    response = client.get(f"/bulk/runs/{run.pk}.csv")
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_admin_releases_the_ticked_results_and_an_iqa_hold_is_reported(
    client, world, monkeypatch
):
    results = three_results(world)
    held_for_iqa(monkeypatch, results[1])
    client.force_login(world.admin)
    listing = client.get("/results/").content.decode()
    assert 'name="ids"' in listing
    assert "All 3 results matching this list" in listing

    chosen = {"ids": [r.pk for r in results]}
    confirm = client.post("/bulk/release-results/confirm/", chosen)
    page = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Release 3 results?" in page
    assert not OverallResult.objects.filter(released_at__isnull=False).exists()  # nothing yet

    report = client.post("/bulk/release-results/start/", chosen, follow=True)
    html = report.content.decode()
    run = BulkRun.objects.get()
    assert not run.in_worker
    assert run.finished_at is not None
    assert set(
        OverallResult.objects.filter(released_at__isnull=False).values_list("pk", flat=True)
    ) == {results[0].pk, results[2].pk}
    assert "holds results until IQA sign-off" in html
    # Each release is the admin's own, with the apprentice's journey event.
    events = JourneyEvent.objects.filter(action="release_results")
    assert events.count() == 2
    assert {e.actor for e in events} == {world.admin}

    rows = report_rows(client, run)
    assert [r["Outcome"] for r in rows] == ["Done", "Refused", "Done"]
    assert "IQA sign-off" in rows[1]["Reason"]
    assert rows[1]["Apprentice"].startswith("Apprentice1 Number1 (ULN ")


def test_all_matching_releases_every_waiting_result_and_none_of_another_epao(client, world):
    mine = three_results(world)
    client.force_login(world.admin)
    confirm = client.post("/bulk/release-results/confirm/", {"scope": "all"}).content.decode()
    assert "Release 3 results?" in confirm
    client.post("/bulk/release-results/start/", {"scope": "all"})
    assert OverallResult.objects.filter(released_at__isnull=False).count() == len(mine)


def test_ids_outside_the_admins_epao_are_left_out(client, world):
    result = computed_for(world, world.enrolment)
    client.force_login(world.outsider_admin)
    response = client.post("/bulk/release-results/start/", {"ids": [result.pk]})
    assert response.status_code == 400
    assert "Choose at least one result" in response.content.decode()
    assert not BulkRun.objects.exists()
    result.refresh_from_db()
    assert result.released_at is None


def test_nothing_ticked_is_refused_on_the_field(client, world):
    computed_for(world, world.enrolment)
    client.force_login(world.admin)
    response = client.post("/bulk/release-results/confirm/", {})
    assert response.status_code == 400
    assert "Tick at least one row, or choose every row matching." in response.content.decode()


def test_every_other_role_and_an_outsider_get_a_404(client, world):
    result = computed_for(world, world.enrolment)
    client.force_login(world.admin)
    client.post("/bulk/release-results/start/", {"ids": [result.pk]})
    run = BulkRun.objects.get()
    personas = world.personas()
    for name in OTHERS:
        client.force_login(personas[name])
        for url in (
            "/bulk/",
            "/bulk/certificates/",
            "/bulk/gateway/",
            f"/bulk/runs/{run.pk}/",
            f"/bulk/runs/{run.pk}.csv",
        ):
            assert client.get(url).status_code == 404, (name, url)
        assert client.post("/bulk/release-results/confirm/", {"scope": "all"}).status_code == 404
    # Another EPAO's admin has bulk pages of their own, but not this run nor these rows.
    client.force_login(world.outsider_admin)
    assert client.get(f"/bulk/runs/{run.pk}/").status_code == 404
    assert client.get(f"/bulk/runs/{run.pk}.csv").status_code == 404
    assert "You have not started a bulk run yet." in client.get("/bulk/").content.decode()
    client.logout()
    assert client.get(f"/bulk/runs/{run.pk}/").status_code == 302  # to sign in


def test_a_name_typed_as_a_formula_is_text_in_the_csv(client, world):
    result = computed_for(world, world.enrolment)
    world.enrolment.apprentice.given_name = "=HYPERLINK(1)"
    world.enrolment.apprentice.save()
    client.force_login(world.admin)
    client.post("/bulk/release-results/start/", {"ids": [result.pk]})
    (row,) = report_rows(client, BulkRun.objects.get())
    assert row["Apprentice"].startswith("'=HYPERLINK(1)")


def test_gateway_submissions_whose_requirements_are_accepted_are_accepted_the_rest_reported(
    client, world
):
    ready = Journey(world.enrolment)
    ready.submit_gateway(world.provider_user)
    ready.review_gateway(world.admin)
    other = Journey(another_enrolment(world, 1))
    other.submit_gateway(world.provider_user)  # not reviewed: its requirements wait
    client.force_login(world.admin)
    listing = client.get("/bulk/gateway/").content.decode()
    assert "All 2 gateway submissions matching this list" in listing

    client.post("/bulk/accept-gateway/start/", {"scope": "all"})
    run = BulkRun.objects.get()
    outcomes = dict(BulkRow.objects.values_list("target_id", "outcome"))
    assert outcomes == {world.enrolment.pk: "done", other.enrolment.pk: "refused"}
    refused = BulkRow.objects.get(outcome="refused")
    assert refused.message.startswith("Gateway cannot be accepted until every requirement")
    accepted = GatewaySubmission.objects.get(enrolment=world.enrolment)
    assert accepted.status == "accepted"
    assert accepted.decided_by == world.admin
    assert JourneyEvent.objects.filter(
        enrolment=world.enrolment, action="accept_gateway", actor=world.admin
    ).exists()
    page = client.get(f"/bulk/runs/{run.pk}/").content.decode()
    assert "Gateway cannot be accepted until every requirement" in page


def test_the_iqa_queue_says_why_sign_off_is_one_by_one(client, world):
    client.force_login(world.iqa)
    page = client.get("/iqa/").content.decode()
    assert "never in bulk" in page


def test_the_report_page_takes_the_same_queries_for_one_row_as_for_many(
    client, world, django_assert_max_num_queries
):
    results = three_results(world)
    client.force_login(world.admin)
    client.post("/bulk/release-results/start/", {"ids": [results[0].pk]})
    client.post("/bulk/release-results/start/", {"ids": [r.pk for r in results[1:]]})
    one, many = BulkRun.objects.order_by("pk")
    client.get(f"/bulk/runs/{one.pk}/")
    with django_assert_max_num_queries(12) as counted:
        client.get(f"/bulk/runs/{one.pk}/")
    first = len(counted.captured_queries)
    with django_assert_max_num_queries(first):
        page = client.get(f"/bulk/runs/{many.pk}/").content.decode()
    assert "Apprentice2 Number2" in page


def test_the_certificates_chooser_takes_the_same_queries_for_one_row_as_for_many(
    client, world, django_assert_max_num_queries
):
    from tests.certificates.helpers import many_released

    client.force_login(world.admin)
    many_released(world, 1)
    client.get("/bulk/certificates/")
    with django_assert_max_num_queries(20) as counted:
        assert "Many Apprentice0" in client.get("/bulk/certificates/").content.decode()
    one = len(counted.captured_queries)
    many_released(world, 6)
    with django_assert_max_num_queries(one):
        assert "All 7 results matching" in client.get("/bulk/certificates/").content.decode()
