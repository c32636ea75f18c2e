"""Drives an EPA journey through the real pages, one persona at a time, the way people do:
open the form, read its version, post it. Used by the end-to-end journey tests."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from openepa.accounts.models import Membership, Role
from openepa.assessments.layout import note_field, outcome_field
from openepa.bookings.models import Booking
from openepa.domain.dates import add_working_days
from openepa.domain.gateway_tasks import TaskKind, TaskStatus
from openepa.domain.grading import Outcome
from openepa.domain.standard import InteractionMode, Level, Method
from openepa.enrolments.models import Enrolment
from openepa.gateway.models import GatewaySubmission
from openepa.gateway.queries import task_list
from openepa.standards.loader import get_standard

#: The gateway documents the journeys upload: a small PDF.
GATEWAY_PDF = b"%PDF-1.4\n% a gateway document\n%%EOF\n"


def version_of(html: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found, "the form has no version field"
    return found.group(1)


class Journey:
    def __init__(self, enrolment: Enrolment) -> None:
        self.enrolment = enrolment
        self.clients: dict[int, Client] = {}

    @classmethod
    def register(cls, provider: Any, fields: dict[str, Any]) -> Journey:
        """Register an apprentice through the registration page, as their provider does."""
        client = Client()
        client.force_login(provider)
        response = client.post("/enrolments/register", fields)
        assert response.status_code == 302, _errors(response)
        enrolment = Enrolment.objects.get(apprentice__uln=fields["uln"])
        assert response["Location"] == f"/enrolments/{enrolment.pk}/"
        journey = cls(enrolment)
        journey.clients[provider.pk] = client
        return journey

    def as_(self, user: Any) -> Client:
        if user.pk not in self.clients:
            client = Client()
            client.force_login(user)
            self.clients[user.pk] = client
        return self.clients[user.pk]

    def state(self) -> str:
        self.enrolment.refresh_from_db()
        return self.enrolment.state

    def post_form(
        self,
        user: Any,
        url: str,
        data: dict[str, Any],
        expect_redirect: bool = True,
        page_url: str | None = None,
    ) -> Any:
        """Open the page that shows the form (`page_url`, default `url`) and post it to `url`."""
        client = self.as_(user)
        page = client.get(page_url or url)
        assert page.status_code == 200, f"GET {page_url or url} as {user}: {page.status_code}"
        response = client.post(url, {"version": version_of(page.content.decode()), **data})
        if expect_redirect:
            assert response.status_code == 302, _errors(response)
        return response

    # --- gateway -----------------------------------------------------------------------
    def submit_gateway(self, provider: Any, **changes: Any) -> None:
        """Do the gateway's task list through its pages, as people do: the details, a
        small PDF for each document task, each sign-off by its own party (the employer's by
        the employer), then check your answers and submit. After a return only the
        requirements returned are redone. `evidence` (codes) is no longer ticked: the codes
        left out are the requirements the admin returns in `reject_gateway`."""
        pk = self.enrolment.pk
        base = f"/gateway/enrolments/{pk}/"
        details = {
            "gateway_date": date.today().isoformat(),
            "english": "level_1",
            "maths": "level_1",
            "showcase_format": "report",
            **changes,
        }
        wanted = details.pop("evidence", None)
        self.enrolment.refresh_from_db()
        rows = task_list(self.enrolment).rows
        self.returning = {
            row.task.code
            for row in rows
            if wanted is not None and row.task.evidence_code not in (*wanted, None)
        }
        client = self.as_(provider)
        for row in rows:
            if row.status in (TaskStatus.COMPLETED, TaskStatus.ACCEPTED):
                continue
            url = f"{base}tasks/{row.task.code}/"
            if row.task.kind == TaskKind.DETAILS:
                response = client.post(url, details)
            elif row.task.kind == TaskKind.DOCUMENTS:
                upload = SimpleUploadedFile(f"{row.task.code}.pdf", GATEWAY_PDF, "application/pdf")
                response = client.post(url, {"title": row.task.title, "file": upload})
            else:
                signer = provider if row.task.party == "provider" else self._employer_user()
                response = self.as_(signer).post(url, {"confirmed": "on"})
            assert response.status_code == 302, _errors(response)
        self.post_form(provider, f"{base}check/", {"declared": "on"})

    def _employer_user(self) -> Any:
        membership = Membership.objects.filter(
            organisation_id=self.enrolment.employer_id, role=Role.EMPLOYER
        ).first()
        assert membership is not None, "the employer has no user to sign off"
        return membership.user

    def review_gateway(self, admin: Any, reason: str = "") -> None:
        """The admin's review, requirement by requirement, through the gateway page: accept
        each, or (with `reason`) return those `submit_gateway` was told were missing (else
        the details)."""
        submission = GatewaySubmission.objects.filter(
            enrolment_id=self.enrolment.pk, status="submitted"
        ).get()
        back = getattr(self, "returning", set()) & set(submission.task_items) or {"details"}
        client = self.as_(admin)
        for code in submission.task_items:
            returned = bool(reason) and code in back
            response = client.post(
                f"/gateway/enrolments/{self.enrolment.pk}/requirements/{code}/review/",
                {
                    f"{code}-outcome": "return" if returned else "accept",
                    f"{code}-reason": reason if returned else "",
                },
            )
            assert response.status_code == 302, _errors(response)

    def reject_gateway(self, admin: Any, reasons: str) -> None:
        self.review_gateway(admin, reasons)
        review = f"/gateway/enrolments/{self.enrolment.pk}/"
        self.post_form(admin, review + "reject/", {"reasons": ""}, page_url=review)

    def accept_gateway(self, admin: Any) -> None:
        self.review_gateway(admin)
        review = f"/gateway/enrolments/{self.enrolment.pk}/"
        self.post_form(admin, review + "accept/", {}, page_url=review)

    # --- planning and bookings -----------------------------------------------------------
    def record_planning(self, admin: Any) -> None:
        self.post_form(
            admin,
            f"/bookings/enrolments/{self.enrolment.pk}/planning/",
            {
                "held_on": date.today().isoformat(),
                "arrangements": "Quiet room at the branch; laptop for the showcase report.",
                "method_requirements_explained": "on",
                "feedback_certification_appeals_explained": "on",
                "observation_setting": "workplace",
            },
        )

    def book(
        self,
        admin: Any,
        method: Method,
        assessor: Any,
        day: date,
        hour: int,
        minutes: int,
        kind: str = "first",
        **extra: Any,
    ) -> int:
        self.post_form(
            admin,
            f"/bookings/enrolments/{self.enrolment.pk}/book/",
            {
                "method": method.value,
                "kind": kind,
                "starts_at": datetime(day.year, day.month, day.day, hour, 0).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
                "duration_minutes": minutes,
                "venue": "Harbour Bank, Quay Street branch",
                "assessor": assessor.pk,
                **extra,
            },
        )
        return self.enrolment.bookings.filter(method=method.value, status="active").latest("id").pk

    def to_three_bookings(self, world: Any) -> tuple[int, int, int]:
        """Gateway with the evidence NQual (the showcase, seed 004) and Gateway Qualifications
        (a Level 2 attempt, seed 000 §2.2) ask for, accepted; planning; the three methods
        booked with the world's assessor from 12 working days ahead (NQual needs the gateway
        form 10 working days before the EPA, seed 004). Returns the showcase, observation
        and discussion booking ids."""
        self.submit_gateway(
            world.provider_user,
            evidence=[
                "gateway_meeting_record",
                "employer_sign_off",
                "provider_sign_off",
                "showcase_submission",
            ],
            english_level_2_attempted="on",
            maths_level_2_attempted="on",
        )
        self.accept_gateway(world.admin)
        self.record_planning(world.admin)
        admin, assessor = world.admin, world.assessor
        return (
            self.book(admin, Method.SHOWCASE, assessor, working_day_after(12), 9, 30),
            self.book(admin, Method.OBSERVATION, assessor, working_day_after(13), 10, 60),
            self.book(admin, Method.DISCUSSION, assessor, working_day_after(14), 10, 60),
        )

    # --- marking -------------------------------------------------------------------------
    def accept_booking(self, assessor: Any, booking_id: int) -> None:
        """The assessor accepts the booking, confirming no conflict of interest."""
        response = self.as_(assessor).post(f"/bookings/{booking_id}/confirm/")
        assert response.status_code == 302, response.status_code
        booking = Booking.objects.get(pk=booking_id)
        assert booking.no_conflict_confirmed_at is not None

    def mark(
        self,
        assessor: Any,
        booking_id: int,
        outcomes: dict[str, Outcome],
        feedback: str = "",
        notes: dict[str, str] | None = None,
    ) -> Any:
        """Accept the booking if not yet accepted, then, once the assessment has taken place
        (the clock moved to its end), fill the sheet with an evidence note per judgement,
        check the answers and confirm."""
        booking = Booking.objects.get(pk=booking_id)
        if booking.no_conflict_confirmed_at is None:
            self.accept_booking(assessor, booking_id)
        start = timezone.localtime(booking.starts_at)
        end = start + timedelta(minutes=booking.duration_minutes)
        url = f"/marking/booking/{booking_id}/"
        with time_machine.travel(end + timedelta(minutes=10), tick=False):
            client = Client()  # signed in on the assessment day (a session does not last)
            client.force_login(assessor)
            page = client.get(url)
            assert page.status_code == 200, page.status_code
            data: dict[str, Any] = {
                "version": version_of(page.content.decode()),
                "actual_start": f"{start:%H:%M}",
                "actual_end": f"{end:%H:%M}",
                "feedback": feedback,
                "photo_id_checked": "on",
                "intent": "submit",
            }
            for code, outcome in outcomes.items():
                data[outcome_field(code)] = outcome.value
                data[note_field(code)] = (notes or {}).get(
                    code, f"Saw and heard the evidence for {code}."
                )
            response = client.post(url, data)
            assert response.status_code == 302, _errors(response)
            check = client.get(response["Location"])
            assert "Check your answers before submitting" in check.content.decode()
            response = client.post(
                response["Location"], {"version": version_of(check.content.decode())}
            )
            assert response.status_code == 302, _errors(response)
        return response

    # --- results ---------------------------------------------------------------------------
    def latest_result_id(self) -> int:
        result = self.enrolment.results.filter(superseded_at__isnull=True).latest("id")
        return int(result.pk)

    def release(self, admin: Any) -> int:
        result_id = self.latest_result_id()
        page = f"/results/{result_id}/"
        self.post_form(admin, page + "release/", {}, page_url=page)
        return result_id


def _errors(response: Any) -> str:
    html = response.content.decode() if hasattr(response, "content") else ""
    found = re.findall(r'class="error-message"[^>]*>(?:<span[^>]*>[^<]*</span>)?\s*([^<]+)<', html)
    summary = re.findall(r"<li>([^<]+)</li>", html)
    return f"status {response.status_code}: {found or summary[:5]}"


def marks(
    method: Method,
    modes: frozenset[InteractionMode],
    distinction_met: int,
    overrides: dict[str, Outcome] | None = None,
) -> dict[str, Outcome]:
    standard = get_standard("ST0072")
    assert standard is not None
    out = {c.code: Outcome.MET for c in standard.criteria_for(method, modes, Level.PASS)}
    for i, c in enumerate(standard.criteria_for(method, modes, Level.DISTINCTION)):
        out[c.code] = Outcome.MET if i < distinction_met else Outcome.NOT_MET
    out.update(overrides or {})
    return out


def working_day_after(days: int) -> date:
    return add_working_days(date.today(), days)
