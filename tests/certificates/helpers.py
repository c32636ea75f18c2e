"""Builders for the export tests: results released through the results actions (the sheets
are written with the results tests' builders), and a faster factory for many results."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from openepa.certificates.models import ExportBatch
from openepa.domain.uln import make_uln
from openepa.enrolments.models import Apprentice, Enrolment
from openepa.results.actions import do_compute_result, do_release_results
from openepa.results.models import OverallResult
from tests.results.builders import assess, set_state, submit

METHODS = ("showcase", "observation", "discussion")


def release(world, enrolment: Enrolment) -> OverallResult:
    result = do_compute_result(enrolment_id=enrolment.pk, actor=world.assessor)
    return do_release_results(actor=world.admin, result_id=result.pk, expected_version=None)


def released(world, enrolment: Enrolment, grade: str, *, start: date) -> OverallResult:
    """Every method assessed `grade` a day apart from `start`, computed and released."""
    assess(enrolment, dict.fromkeys(METHODS, grade), assessor=world.assessor, start=start)
    return release(world, enrolment)


def resat(world, enrolment: Enrolment, method: str, *, on: date, kind: str = "resit"):
    """A failed method re-taken (resit or retake) to a Pass, computed and released."""
    submit(enrolment, method, on=on, grade="pass", kind=kind, assessor=world.assessor)
    set_state(enrolment, "awaiting_results")
    return release(world, enrolment)


def failed_observation(world, enrolment: Enrolment, *, start: date) -> OverallResult:
    grades = {"showcase": "pass", "observation": "fail", "discussion": "pass"}
    assess(enrolment, grades, assessor=world.assessor, start=start)
    return release(world, enrolment)


_uln_numbers = iter(range(300_000_000, 999_999_999, 104_729))


def _uln() -> str:
    while True:
        uln = make_uln(str(next(_uln_numbers)))
        if uln:
            return uln


def many_released(world, count: int, grade: str = "pass", epao=None) -> list[OverallResult]:
    """`count` enrolments of the world's EPAO, each with one released result, written
    directly: the batching rules do not depend on how a result was graded."""
    base = world.enrolment
    now = timezone.now()
    results = []
    for n in range(count):
        apprentice = Apprentice.objects.create(
            uln=_uln(),
            given_name="Many",
            family_name=f"Apprentice{n}",
            date_of_birth=date(2006, 1, 1),
        )
        enrolment = Enrolment.objects.create(
            apprentice=apprentice,
            standard=base.standard,
            epao=epao or base.epao,
            employer=base.employer,
            provider=base.provider,
            policy=base.policy,
            start_date=base.start_date,
            planned_end_date=base.planned_end_date,
            face_to_face=True,
            state="results_issued",
        )
        results.append(
            OverallResult(
                enrolment=enrolment,
                grade=grade,
                methods={m: {"grade": grade, "kind": "first"} for m in METHODS},
                last_component_on=date(2026, 3, 2) + timedelta(days=n % 5),
                released_at=now + timedelta(seconds=n),
                released_by=world.admin,
            )
        )
    return OverallResult.objects.bulk_create(results)


def payload_of(batch: ExportBatch) -> list[Any]:
    data: list[Any] = json.loads(batch.payload)
    return data


def with_address(organisation, postcode: str = "LS1 4AP") -> None:
    """A named contact and a postal address on the organisation (the certificate's default
    destination when it is the employer)."""
    organisation.contact_name = "Erin Employer"
    organisation.address_line1 = "1 Harbour Street"
    organisation.city = "Leeds"
    organisation.postcode = postcode
    organisation.save()
