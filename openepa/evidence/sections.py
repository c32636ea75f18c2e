"""What the evidence context adds to other contexts' pages (openepa.core.pages):

- the booking page and the marking sheet of a showcase (openepa.bookings.sections): the
  portfolio criterion by criterion, so the assessor opens the evidence tagged to each
  criterion and the admin sees, before the assessment, which criteria have none;
- the pages where a decision is checked (openepa.enrolments.sections): the showcase files
  with their criteria, the assessor's evidence note on each criterion and the approved
  adjustments that applied, for the EPAO's admins and IQAs and a case's reviewer or panel."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.assessments.models import Attempt, Judgement
from openepa.bookings.models import Booking
from openepa.bookings.sections import BOOKING_PAGE
from openepa.domain.standard import Criterion, Method
from openepa.enrolments.models import Enrolment
from openepa.evidence.access import on_a_case
from openepa.evidence.models import EvidenceFile
from openepa.evidence.queries import ShowcaseMap, showcase_map


def showcase_booking_section(request: HttpRequest, booking: Booking) -> dict[str, object]:
    if booking.method != Method.SHOWCASE:
        return {}
    return {"showcase_evidence": showcase_map(booking.enrolment)}


@dataclass(frozen=True)
class ReviewRow:
    criterion: Criterion
    pieces: list[EvidenceFile]
    judgement: Judgement | None


@dataclass(frozen=True)
class ShowcaseReview:
    #: The latest submitted showcase marking sheet, if there is one.
    attempt: Attempt | None
    mapped: ShowcaseMap
    rows: list[ReviewRow]
    arrangements: list[str]


def may_check(request: HttpRequest, enrolment: Enrolment) -> bool:
    """The EPAO's admins and IQAs, and whoever reviews or sits on a case about it."""
    user = request.user
    if not isinstance(user, User):
        return False
    held = roles_of(user)
    if enrolment.epao_id in held.orgs(Role.EPAO_ADMIN) | held.orgs(Role.IQA):
        return True
    return on_a_case(user, enrolment.pk) is not None


def showcase_review_section(request: HttpRequest, enrolment: Enrolment) -> dict[str, object]:
    if not may_check(request, enrolment):
        return {}
    attempt = (
        Attempt.objects.filter(
            enrolment=enrolment, method=Method.SHOWCASE, status=Attempt.Status.SUBMITTED
        )
        .select_related("booking__enrolment")
        .order_by("-assessed_on", "-id")
        .first()
    )
    judgements: dict[str, Judgement] = {}
    arrangements: list[str] = []
    if attempt is not None:
        judgements = {j.criterion_code: j for j in attempt.judgements.all()}
        found = BOOKING_PAGE.context(request, attempt.booking)
        listed = found.get("arrangements")
        arrangements = list(listed) if isinstance(listed, list) else []
        mapped = found.get("showcase_evidence")
        if not isinstance(mapped, ShowcaseMap):
            mapped = showcase_map(enrolment)
    else:
        mapped = showcase_map(enrolment)
    rows = [
        ReviewRow(row.criterion, row.pieces, judgements.get(row.criterion.code))
        for row in mapped.criteria
    ]
    return {"showcase_review": ShowcaseReview(attempt, mapped, rows, arrangements)}
