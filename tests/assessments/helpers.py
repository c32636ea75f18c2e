"""Building bookings and marking-sheet posts for the marking tests. Bookings are written
with the ORM: booking actions belong to another context."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime, time
from typing import Any

from django.test import Client
from django.utils import timezone

from openepa.assessments.layout import outcome_field
from openepa.assessments.models import Attempt
from openepa.bookings.models import Booking
from openepa.enrolments.models import Enrolment
from tests.personas import World


def book(
    world: World,
    method: str,
    *,
    enrolment: Enrolment | None = None,
    on: date = date(2026, 3, 2),
    number: int = 1,
    kind: str = "first",
    assessor: Any = None,
    accepted: bool = True,
) -> Booking:
    """A booking at 09:00 on `on`; `accepted`: its assessor has accepted it, confirming no
    conflict of interest (without that its sheet does not open)."""
    enrolment = enrolment or world.enrolment
    if enrolment.state != "in_assessment":
        enrolment.state = "in_assessment"
        enrolment.save(update_fields=["state"])
    return Booking.objects.create(
        enrolment=enrolment,
        method=method,
        attempt_number=number,
        kind=kind,
        # 09:00 on the clock in England, in winter and in summer time alike.
        starts_at=timezone.make_aware(datetime.combine(on, time(9, 0))),
        duration_minutes=60,
        assessor=assessor or world.assessor,
        created_by=world.admin,
        no_conflict_confirmed_at=(
            timezone.make_aware(datetime.combine(on, time(8, 0))) if accepted else None
        ),
    )


def sheet_url(booking: Booking) -> str:
    return f"/marking/booking/{booking.pk}/"


def check_url(booking: Booking) -> str:
    return f"/marking/booking/{booking.pk}/check"


def evidence_note(code: str) -> str:
    return f"Saw and heard the evidence for {code} during the assessment."


def open_sheet(client: Client, booking: Booking) -> Attempt:
    """GET the sheet (which creates the draft) and return the attempt."""
    response = client.get(sheet_url(booking))
    assert response.status_code == 200, response.content.decode()[:500]
    return Attempt.objects.get(booking=booking)


def form_data(
    attempt: Attempt,
    outcomes: Mapping[str, str] | None = None,
    *,
    default: str = "met",
    intent: str = "save",
    version: int | None = None,
    start: str = "09:05",
    end: str = "10:00",
    attempted: Collection[str] = (),
    notes: Mapping[str, str] | None = None,
    feedback: str = "",
    photo_id_checked: bool = True,
) -> dict[str, str]:
    """A POST of the whole sheet: every criterion `default` unless named in `outcomes`."""
    attempt.refresh_from_db()
    data = {
        "version": str(attempt.version if version is None else version),
        "intent": intent,
        "actual_start": start,
        "actual_end": end,
        "feedback": feedback,
    }
    if photo_id_checked:
        data["photo_id_checked"] = "on"
    for code in attempt.judgements.values_list("criterion_code", flat=True):
        slug = code.replace(".", "_")
        value = (outcomes or {}).get(code, default)
        if value:
            data[outcome_field(code)] = value
        data[f"note_{slug}"] = (notes or {}).get(code, evidence_note(code) if value else "")
        if code in attempted:
            data[f"attempted_{slug}"] = "on"
    return data


def mark(
    client: Client,
    booking: Booking,
    outcomes: Mapping[str, str] | None = None,
    *,
    confirm: bool = True,
    **kwargs: Any,
) -> Any:
    """Open the sheet and post it (submit by default). A sheet ready to submit goes to
    "check your answers"; with `confirm` that page is confirmed too, as the assessor would,
    and its answer returned."""
    attempt = open_sheet(client, booking)
    kwargs.setdefault("intent", "submit")
    response = client.post(sheet_url(booking), form_data(attempt, outcomes, **kwargs))
    if confirm and response.status_code == 302 and response["Location"] == check_url(booking):
        attempt.refresh_from_db()
        return client.post(check_url(booking), {"version": str(attempt.version)})
    return response


def text(response: Any) -> str:
    """The page with HTML entities for quotes decoded, so messages match as written."""
    html: str = response.content.decode()
    return html.replace("&#x27;", "'").replace("&quot;", '"')
