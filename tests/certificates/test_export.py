"""The file export (issue 4 item 4, issue 13): every released result becomes an EPA record
with all its attempts, a Pass or Distinction also a certificate request with its postal
contact, in batches of at most 25, each result once; every batch matches the schema and
the service's rules. Dates are fixed, so the clock is too (time_machine)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from jsonschema import Draft202012Validator

from openepa.accounts.models import Role
from openepa.certificates import records
from openepa.certificates.actions import do_export_certificate_requests
from openepa.certificates.models import ExportBatch, ExportedRecord
from openepa.core.refusals import ActionRefused
from openepa.enrolments.models import Enrolment, JourneyEvent
from openepa.results.actions import do_compute_result, do_restart_epa
from tests.certificates.helpers import (
    failed_observation,
    many_released,
    payload_of,
    released,
    resat,
    with_address,
)
from tests.personas import person
from tests.results.builders import GQ, assess, set_state, use_policy

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(records.SCHEMA_PATH.read_text(encoding="utf-8"))
MARCH = date(2026, 3, 2)
POSTAL = {
    "contactName": "Erin Employer",
    "department": None,
    "organisation": "Harbour Bank",
    "addressLine1": "1 Harbour Street",
    "addressLine2": None,
    "addressLine3": None,
    "city": "Leeds",
    "postCode": "LS1 4AP",
}


@pytest.fixture(autouse=True)
def addressed(world, time_machine):
    """The employer has a contact and an address; today is fixed after the fixed dates."""
    time_machine.move_to(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    with_address(world.employer)


def export(world, actor=None):
    batches = do_export_certificate_requests(actor=actor or world.admin, epao_id=world.epao.pk)
    for batch in batches:
        # Checked here with the schema file itself, not only by the action.
        Draft202012Validator(SCHEMA).validate(payload_of(batch))
        assert [b.kind for b in batches] == sorted((b.kind for b in batches), reverse=True)
    return batches


def test_a_pass_is_a_certificate_request_in_the_apis_shape(world):
    result = released(world, world.enrolment, "pass", start=MARCH)
    epa_batch, batch = export(world)
    assert (epa_batch.kind, batch.kind) == ("epa", "certificate")
    assert batch.record_count == 1
    apprentice = world.enrolment.apprentice
    assert payload_of(epa_batch)[0]["epaDetails"]["epas"] == [
        {"epaDate": "2026-03-04", "epaOutcome": "Pass", "resit": False, "retake": False}
    ]
    assert payload_of(batch) == [
        {
            "requestId": f"openepa-result-{result.pk}",
            "standard": {"standardReference": "ST0072"},
            "learner": {"uln": int(apprentice.uln), "familyName": "Lovelace"},
            "learningDetails": {
                "version": "1.1",
                "courseOption": None,
                "overallGrade": "Pass",
                "achievementDate": "2026-03-04",  # the discussion, the last component
            },
            "postalContact": POSTAL,  # the employer's, by default
        }
    ]
    event = JourneyEvent.objects.get(enrolment=world.enrolment, action="certificate_requested")
    assert event.data == {
        "result_id": result.pk,
        "batch_id": batch.pk,
        "request_id": f"openepa-result-{result.pk}",
        "grade": "pass",
    }
    assert event.actor == world.admin
    assert event.from_state == event.to_state == "results_issued"


def test_a_distinction_is_requested_as_a_distinction(world):
    released(world, world.enrolment, "distinction", start=MARCH)
    epa_batch, batch = export(world)
    assert payload_of(batch)[0]["learningDetails"]["overallGrade"] == "Distinction"
    # The API knows Pass, Fail and Withdrawn as EPA outcomes; the grade is in overallGrade.
    assert payload_of(epa_batch)[0]["epaDetails"]["epas"][0]["epaOutcome"] == "Pass"


def test_a_fail_is_an_epa_record_only(world):
    failed_observation(world, world.enrolment, start=MARCH)
    [batch] = export(world)
    assert batch.kind == "epa"
    [record] = payload_of(batch)
    assert record["learningDetails"] == {"version": "1.1", "courseOption": None}
    assert record["epaDetails"]["epas"] == [
        {"epaDate": "2026-03-04", "epaOutcome": "Fail", "resit": False, "retake": False}
    ]
    assert JourneyEvent.objects.filter(action="epa_record_exported").count() == 1
    assert not JourneyEvent.objects.filter(action="certificate_requested").exists()


def test_fail_then_resit_then_pass_carries_the_history_and_the_resit_flag(world):
    fail = failed_observation(world, world.enrolment, start=MARCH)
    [epa_batch] = export(world)
    assert [r["requestId"] for r in payload_of(epa_batch)] == [f"openepa-result-{fail.pk}"]
    world.enrolment.refresh_from_db()
    assert world.enrolment.state == "resit_due"
    passed = resat(world, world.enrolment, "observation", on=date(2026, 4, 20))
    history_batch, certificate_batch = export(world)
    [history] = payload_of(history_batch)
    [record] = payload_of(certificate_batch)
    assert record["requestId"] == f"openepa-result-{passed.pk}"
    # Newest first: the service reads the first EPA of the latest date as the latest.
    assert history["epaDetails"]["epas"] == [
        {"epaDate": "2026-04-20", "epaOutcome": "Pass", "resit": True, "retake": False},
        {"epaDate": "2026-03-04", "epaOutcome": "Fail", "resit": False, "retake": False},
    ]
    # The achievement date is the last component of the passing EPA: the resit itself.
    assert record["learningDetails"]["achievementDate"] == "2026-04-20"
    assert list(ExportedRecord.objects.order_by("id").values_list("result_id", "kind")) == [
        (fail.pk, "epa"),
        (passed.pk, "epa"),
        (passed.pk, "certificate"),
    ]


def test_a_retake_is_flagged_as_a_retake(world):
    failed_observation(world, world.enrolment, start=MARCH)
    resat(world, world.enrolment, "observation", on=date(2026, 5, 11), kind="retake")
    batch, _ = export(world)
    epas = payload_of(batch)[0]["epaDetails"]["epas"]
    assert [(e["epaOutcome"], e["resit"], e["retake"]) for e in epas] == [
        ("Pass", False, True),
        ("Fail", False, False),
    ]


def test_only_the_latest_released_result_of_an_enrolment_is_exported(world):
    """A Fail released and resat before any export: one EPA record with both sittings and
    one certificate request, no separate EPA record for the Fail."""
    failed_observation(world, world.enrolment, start=MARCH)
    passed = resat(world, world.enrolment, "observation", on=date(2026, 4, 20))
    epa_batch, batch = export(world)
    assert batch.kind == "certificate"
    assert [r["requestId"] for r in payload_of(batch)] == [f"openepa-result-{passed.pk}"]
    assert [r["requestId"] for r in payload_of(epa_batch)] == [f"openepa-result-{passed.pk}"]
    assert len(payload_of(epa_batch)[0]["epaDetails"]["epas"]) == 2


def test_unreleased_results_are_not_exported(world):
    assess(
        world.enrolment,
        {"showcase": "pass", "observation": "pass", "discussion": "pass"},
        assessor=world.assessor,
        start=MARCH,
    )
    do_compute_result(enrolment_id=world.enrolment.pk, actor=world.assessor)
    assert export(world) == []
    assert not ExportedRecord.objects.exists()


def test_withdrawn_and_other_epaos_results_are_not_exported(world):
    released(world, world.enrolment, "pass", start=MARCH)
    set_state(world.enrolment, "withdrawn")
    many_released(world, 1, epao=world.other_epao)
    assert export(world) == []
    # The other EPAO's admin exports their own.
    batches = do_export_certificate_requests(
        actor=world.outsider_admin, epao_id=world.other_epao.pk
    )
    assert {b.epao for b in batches} == {world.other_epao}


def test_exporting_again_creates_nothing(world):
    released(world, world.enrolment, "pass", start=MARCH)
    _, batch = export(world)
    before = (
        ExportBatch.objects.count(),
        ExportedRecord.objects.count(),
        JourneyEvent.objects.count(),
    )
    assert export(world) == []
    assert export(world, actor=world.admin) == []
    after = (
        ExportBatch.objects.count(),
        ExportedRecord.objects.count(),
        JourneyEvent.objects.count(),
    )
    assert after == before
    batch.refresh_from_db()
    assert batch.record_count == 1


def test_sixty_results_make_batches_of_25_25_and_10(world):
    many_released(world, 60)
    batches = export(world)
    assert [(b.kind, b.record_count) for b in batches] == [
        *(("epa", n) for n in (25, 25, 10)),
        *(("certificate", n) for n in (25, 25, 10)),
    ]
    assert [len(payload_of(b)) for b in batches] == [25, 25, 10] * 2
    ids = [r["requestId"] for b in batches[3:] for r in payload_of(b)]
    assert len(set(ids)) == 60
    assert ExportedRecord.objects.count() == 120
    assert JourneyEvent.objects.filter(action="certificate_requested").count() == 60
    assert export(world) == []


def test_certificates_and_epa_records_go_in_separate_batches(world):
    many_released(world, 3, grade="pass")
    many_released(world, 2, grade="fail")
    batches = export(world)
    assert [(b.kind, b.record_count) for b in batches] == [("epa", 5), ("certificate", 3)]


def test_only_the_epaos_admins_may_export(world):
    released(world, world.enrolment, "pass", start=MARCH)
    for user in (world.assessor, world.iqa, world.employer_user, world.outsider_admin):
        with pytest.raises(ActionRefused, match="Only the EPAO's admins can export"):
            do_export_certificate_requests(actor=user, epao_id=world.epao.pk)
    assert not ExportBatch.objects.exists()


def test_a_second_admin_exporting_the_same_results_gets_nothing(world):
    second = person("bea@northern.example", "Bea Admin", world.epao, Role.EPAO_ADMIN)
    released(world, world.enrolment, "pass", start=MARCH)
    export(world)
    assert do_export_certificate_requests(actor=second, epao_id=world.epao.pk) == []
    assert ExportedRecord.objects.count() == 2


def test_the_database_refuses_a_result_exported_twice(world):
    result = released(world, world.enrolment, "pass", start=MARCH)
    _, batch = export(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportedRecord.objects.create(
            batch=batch, result=result, kind="certificate", request_id="openepa-result-x"
        )


def test_a_record_that_breaks_the_schema_is_refused_naming_its_path(world, monkeypatch):
    released(world, world.enrolment, "pass", start=MARCH)
    real = records.learner

    def broken(enrolment):
        return {**real(enrolment), "givenNames": "Ada"}  # not a field of the service's model

    monkeypatch.setattr(records, "learner", broken)
    with pytest.raises(ActionRefused) as refused:
        do_export_certificate_requests(actor=world.admin, epao_id=world.epao.pk)
    assert "record-a-grade.json" in refused.value.message
    assert "$[0].learner" in refused.value.message
    assert "Additional properties are not allowed ('givenNames'" in refused.value.message
    assert not ExportBatch.objects.exists()
    assert not ExportedRecord.objects.exists()
    assert not JourneyEvent.objects.filter(action="certificate_requested").exists()


def test_a_restarted_epa_exports_its_new_result_with_the_old_sitting_in_the_history(world):
    """The resit window missed, the whole EPA taken again (seed 000 §4): the new result is
    the one exported; the earlier Fail stays in the history as the first sitting."""
    use_policy(world.enrolment, GQ)
    fail = failed_observation(world, world.enrolment, start=MARCH)
    Enrolment.objects.filter(pk=world.enrolment.pk).update(
        fail_notified_on=timezone.localdate() - timedelta(days=200)
    )
    do_restart_epa(actor=world.admin, enrolment_id=world.enrolment.pk, reason="Window missed")
    passed = released(world, world.enrolment, "pass", start=date(2026, 9, 1))
    epa_batch, batch = export(world)
    [record] = payload_of(batch)
    assert record["requestId"] == f"openepa-result-{passed.pk}"
    assert payload_of(epa_batch)[0]["epaDetails"]["epas"] == [
        {"epaDate": "2026-09-03", "epaOutcome": "Pass", "resit": False, "retake": False},
        {"epaDate": "2026-03-04", "epaOutcome": "Fail", "resit": False, "retake": False},
    ]
    assert record["learningDetails"]["achievementDate"] == "2026-09-03"
    assert not ExportedRecord.objects.filter(result=fail).exists()


def test_requesting_the_certificate_completes_the_epa_and_a_fail_stays_open(world):
    released(world, world.enrolment, "pass", start=MARCH)
    export(world)
    enrolment = Enrolment.objects.get(pk=world.enrolment.pk)
    assert enrolment.state == "completed"
    actions = list(enrolment.events.order_by("id").values_list("action", "to_state"))
    assert actions[-2:] == [("certificate_requested", "results_issued"), ("complete", "completed")]


def test_after_completion_an_upheld_enquiry_reissues_without_reopening(world):
    from openepa.assessments.actions import do_amend_sheet
    from openepa.assessments.models import Attempt
    from openepa.results.actions import do_reissue_result

    result = released(world, world.enrolment, "pass", start=MARCH)
    export(world)
    # The same grade re-issued (e.g. a corrected mark that does not change it).
    again = do_reissue_result(
        actor=world.admin, enrolment_id=world.enrolment.pk, reason="Enquiry 1 upheld"
    )
    enrolment = Enrolment.objects.get(pk=world.enrolment.pk)
    assert enrolment.state == "completed"
    assert again.pk != result.pk
    # The re-issued result is exported as a replacement request; the EPA stays completed.
    assert [batch.kind for batch in export(world)] == ["epa", "certificate"]
    assert enrolment.events.filter(action="complete").count() == 1
    assert Enrolment.objects.get(pk=world.enrolment.pk).state == "completed"

    # A change to a Fail after the certificate request is refused, with the reason.
    observation = Attempt.objects.get(pk__in=again.attempt_ids, method="observation")
    code = observation.judgements.filter(outcome="met").order_by("id")[0].criterion_code
    do_amend_sheet(
        actor=world.admin,
        attempt_id=observation.pk,
        expected_version=observation.version,
        changes={code: "not_met"},
        reason="Enquiry 2 upheld",
        through_case=True,
    )
    with pytest.raises(ActionRefused) as refused:
        do_reissue_result(
            actor=world.admin, enrolment_id=world.enrolment.pk, reason="Enquiry 2 upheld"
        )
    assert "the result cannot be re-issued as a Fail here" in refused.value.message
