"""Every request the demo EPAO produces passes the assessment service's body rules
(openepa.domain.assessment_service, written from the service's validators) and the schema:
the file export's EPA records and certificate requests, and the records queued for the
service (EPA records, updates, withdrawals, certificate requests, submits).

The demo is the one built once for this folder (tests/demo/conftest.py); what these tests
do to it, they do in savepoints rolled back."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from openepa.accounts.models import User
from openepa.certificates import records
from openepa.certificates.actions import do_export_certificate_requests
from openepa.certificates.models import ExportBatch, ExportKind, ServiceRecord
from openepa.certificates.sending import do_queue_for_service
from openepa.demo.people import EPAO_NAME
from openepa.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _requests() -> dict[str, Any]:
    epao = Organisation.objects.get(name=EPAO_NAME)
    admin = User.objects.get(email__startswith="admin@")
    found: dict[str, Any] = {}
    # The file export and the service are two ways out for the same results: each is
    # tried on the demo in a savepoint of its own.
    with transaction.atomic():
        do_export_certificate_requests(actor=admin, epao_id=epao.pk)
        # With the batches the demo's stories exported on their own days (requesting the
        # certificate completes an EPA), so every request the demo produces is checked.
        found["files"] = [
            (b.kind, json.loads(b.payload))
            for b in ExportBatch.objects.filter(epao=epao).order_by("pk")
        ]
        transaction.set_rollback(True)
    with (
        transaction.atomic(),
        override_settings(OPENEPA_ASSESSMENT_SERVICE_URL="http://127.0.0.1:9"),  # never sent
    ):
        do_queue_for_service(actor=admin, epao_id=epao.pk)
        found["records"] = [
            (r.kind, r.body, r.enrolment_id)
            for r in ServiceRecord.objects.order_by("enrolment_id", "sequence")
        ]
        transaction.set_rollback(True)
    return found


@pytest.fixture(scope="module")
def demo(full_demo, django_db_blocker) -> Any:
    with django_db_blocker.unblock():
        return _requests()


def test_the_demos_file_export_has_both_kinds_and_every_request_passes(demo):
    kinds = Counter(kind for kind, _ in demo["files"])
    assert set(kinds) == {"epa", "certificate"}
    today = timezone.localdate()
    for kind, batch in demo["files"]:
        schema_kind = records.SCHEMA_KIND[ExportKind(kind)]
        assert len(batch) <= 25
        assert records.schema_problem(schema_kind, batch) is None
        for body in batch:
            assert records.rule_problems(schema_kind, body, today) == [], body["requestId"]
    certificates = [
        body for kind, batch in demo["files"] if kind == "certificate" for body in batch
    ]
    assert len(certificates) > 25  # the demo's Passes and Distinctions, in several batches
    assert all(body["postalContact"]["postCode"] for body in certificates)


def test_every_record_the_demo_queues_for_the_service_passes(demo):
    """With the references the service would have returned filled in."""
    today = timezone.localdate()
    kinds = Counter(kind for kind, _, _ in demo["records"])
    assert kinds["epa_create"] > 0
    assert kinds["certificate"] > 0
    assert kinds["submit"] > 0
    for kind, body, _ in demo["records"]:
        sent = dict(body)
        if kind == "epa_update":
            sent["epaReference"] = "00001001"
        if kind == "submit":
            sent["certificateReference"] = "00001001"
        assert records.rule_problems(kind, sent, today) == [], (kind, body["requestId"])
        assert records.schema_problem(kind, [sent]) is None, (kind, body["requestId"])


def test_the_demos_withdrawals_and_resits_are_in_the_history(demo):
    outcomes = Counter(
        epa["epaOutcome"]
        for kind, body, _ in demo["records"]
        if kind.startswith("epa")
        for epa in body["epaDetails"]["epas"]
    )
    assert outcomes["Pass"] > 0
    assert outcomes["Fail"] > 0
    # The demo's stories request the certificates of some results on their own days (as files),
    # so resits are looked for in both ways out.
    bodies = [body for kind, body, _ in demo["records"] if kind.startswith("epa")] + [
        body for kind, batch in demo["files"] if kind == "epa" for body in batch
    ]
    flagged = [
        epa
        for body in bodies
        for epa in body["epaDetails"]["epas"]
        if epa["resit"] or epa["retake"]
    ]
    assert flagged, "the demo has resits or retakes"
