"""How an EPA outcome reads in the government's record-a-grade API for EPAOs (the DfE
Apprenticeship Assessment Service "End Point Assessor Certification API").

Sources:
- The API's documentation, README.md of SkillsFundingAgency/das-assessor-service-external-
  apiclient, sections "Record Assessment Outcomes" (POST /api/v1/epa: ``epaDetails.epas``
  of ``epaDate``, ``epaOutcome`` "pass | fail | withdrawn", optional ``resit`` and
  ``retake`` booleans "if the first EPA outcome is a fail and there is subsequently a pass")
  and "Request Certificate for Apprenticeships" (POST /api/v1/certificate:
  ``learningDetails.overallGrade`` and ``achievementDate``). Both say "approximately 25 ...
  requests in each API call and is capped at that limit".
- The API's controllers (SkillsFundingAgency/das-assessor-service,
  Application.Api.External/Controllers/CertificateController.cs and EpaController.cs):
  ``MAX_CERTIFICATES_IN_REQUEST = 25``, ``MAX_EPAS_IN_REQUEST = 25``, "Batch limited to 25
  requests"; the grade list of ``GET api/v1/certificate/grades`` ("Pass", ..., "Distinction").
- What the achievement date is: seed 004 counts results "within 10 working days of
  completion of the final component", and the API wants the date the apprentice achieved;
  the seeds name no other date, so it is the date of the last component of the EPA that
  was passed (a resit's own date when the pass came from a resit).

No Django import: the app turns stored results into these values (openepa.certificates).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import batched

from openepa.domain.assessment_service import BATCH_LIMIT, EpaAttempt, epa_list
from openepa.domain.grading import AttemptKind, OverallGrade
from openepa.domain.jsontypes import JsonObject

#: The API's grade names (GET api/v1/certificate/grades) for the grades ST0072 gives.
_CERTIFICATE_GRADES = {OverallGrade.PASS: "Pass", OverallGrade.DISTINCTION: "Distinction"}


@dataclass(frozen=True)
class Sitting:
    """One completed EPA as the API counts it: its date (last component), overall grade and
    the kinds of the attempts that counted towards it."""

    on: date
    grade: OverallGrade
    kinds: frozenset[AttemptKind]


def certificate_grade(grade: OverallGrade) -> str | None:
    """The ``overallGrade`` of a certificate request, or None for a grade that earns no
    certificate (a Fail is recorded as an EPA record only)."""
    return _CERTIFICATE_GRADES.get(grade)


def epa_outcome(grade: OverallGrade) -> str:
    """``epaOutcome`` of one sitting: the API knows Pass, Fail and Withdrawn only, so a
    Distinction is a Pass there (its grade travels in ``overallGrade``)."""
    if grade == OverallGrade.FAIL:
        return "Fail"
    if grade in _CERTIFICATE_GRADES:
        return "Pass"
    raise ValueError(f"an EPA graded {grade.value} has no outcome yet")


def resit_retake(kinds: Iterable[AttemptKind]) -> tuple[bool, bool]:
    """(``resit``, ``retake``) of a sitting: a resit is a method re-taken without further
    learning, a retake after further learning (seed 003 §8, seed 002); a discussion
    follow-up belongs to the observation's resit and is neither on its own."""
    listed = set(kinds)
    return AttemptKind.RESIT in listed, AttemptKind.RETAKE in listed


def attempts(sittings: Sequence[Sitting], withdrawn_on: date | None = None) -> list[EpaAttempt]:
    """Every completed EPA as an attempt the service records, in date order (sittings of
    one date keep the order given: release order), the first neither resit nor retake; a
    withdrawal after them is one more attempt with the outcome "Withdrawn"
    (Domain/Consts/EpaOutcome.cs of SkillsFundingAgency/das-assessor-service)."""
    listed: list[EpaAttempt] = []
    for index, sitting in enumerate(sorted(sittings, key=lambda s: s.on)):
        resit, retake = resit_retake(sitting.kinds) if index else (False, False)
        listed.append(EpaAttempt(sitting.on, epa_outcome(sitting.grade), resit, retake, index))
    if withdrawn_on is not None:
        listed.append(EpaAttempt(withdrawn_on, "Withdrawn", sequence=len(listed)))
    return listed


def epa_history(sittings: Sequence[Sitting], withdrawn_on: date | None = None) -> list[JsonObject]:
    """``epaDetails.epas``: every attempt, newest first, so that of two attempts on one day
    the later is read as the latest (openepa.domain.assessment_service.epa_list)."""
    return epa_list(attempts(sittings, withdrawn_on))


def achievement_date(sittings: Sequence[Sitting]) -> date:
    """The date of the last component of the latest sitting, which must be a Pass or
    Distinction (seed 004 "completion of the final component")."""
    latest = max(sittings, key=lambda s: s.on)
    if certificate_grade(latest.grade) is None:
        raise ValueError("only a Pass or Distinction has an achievement date")
    return latest.on


def in_batches[T](items: Sequence[T], limit: int = BATCH_LIMIT) -> Iterator[tuple[T, ...]]:
    """Consecutive batches of at most `limit` items (60 → 25, 25, 10)."""
    if limit < 1:
        raise ValueError("a batch holds at least one request")
    return batched(items, limit)
