"""Playing a story through the real actions, each on the day it happens.

The demo's history is not written into tables directly: every registration, gateway
decision, booking, marking sheet and release goes through the same action (and so the same
rules, JourneyEvents and locks) as a person's click, with the clock set to the story's day
by time-machine. If a rule refuses a step, the demo fails loudly instead of showing data
the product could never have produced."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openepa.assessments.actions import do_open_sheet, do_save_sheet, do_submit_sheet
from openepa.bookings.actions import (
    PlanningDetails,
    do_book_assessment,
    do_confirm_no_conflict,
    do_record_planning_meeting,
)
from openepa.bookings.models import Booking
from openepa.bookings.rules import DURATION_ACTIVITY, Proposal
from openepa.cases.actions import do_decide_adjustment, do_raise_case, do_request_adjustment
from openepa.certificates.actions import do_export_certificate_requests
from openepa.demo.notes import evidence_note
from openepa.demo.people import Cast
from openepa.demo.stories import Grade, Step, Story
from openepa.domain.dates import add_working_days
from openepa.domain.gateway_tasks import (
    TASKS_BY_EVIDENCE,
    GatewayTask,
    Party,
    TaskKind,
    TaskStatus,
)
from openepa.domain.grading import Outcome
from openepa.domain.journey import State
from openepa.domain.standard import Level, Method
from openepa.enrolments.actions import Registration, do_register_enrolment, do_withdraw_enrolment
from openepa.enrolments.domain_data import modes_of, policy_of, standard_of
from openepa.enrolments.models import Enrolment
from openepa.gateway.actions import (
    GatewayDetails,
    do_accept_gateway,
    do_reject_gateway,
    do_review_requirement,
    do_save_gateway_details,
    do_sign_off_gateway,
    do_submit_gateway_tasks,
    do_upload_gateway_document,
)
from openepa.gateway.queries import submissions_of, task_list
from openepa.quality.actions import do_sign_off_sample
from openepa.quality.models import IqaSample
from openepa.reference.models import StandardVersion
from openepa.results.actions import do_release_results

#: The gateway tasks that take documents: the one a first submission returns is the first.
DOCUMENT_TASKS = frozenset(c for c, t in TASKS_BY_EVIDENCE.items() if t.kind == TaskKind.DOCUMENTS)
RETURNED_REASON = "The record is not signed by the employer: upload the signed copy."


def demo_pdf(name: str, line: str) -> SimpleUploadedFile:
    """A small, valid one-page PDF saying `line` (a few hundred bytes)."""
    text = line.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return SimpleUploadedFile(name, bytes(out), content_type="application/pdf")


SLOT_HOURS = (9, 11, 13, 15)
#: The assessor accepts a booking (confirming no conflict) the day it is made, at noon.
ACCEPT_HOUR = 12
#: The IQA reviews a sampled decision this many working days after it was submitted.
IQA_REVIEW_DAYS = 3
#: The admin requests the certificate of a Pass or Distinction this many working days
#: after its release, at 16:00; the request completes the EPA.
CERTIFICATE_DAYS = 5
CERTIFICATE_HOUR = 16
MARKING_STEP = {
    Step.MARK_OBSERVATION: Method.OBSERVATION,
    Step.MARK_DISCUSSION: Method.DISCUSSION,
    Step.MARK_SHOWCASE: Method.SHOWCASE,
}
FEEDBACK = {
    Grade.FAIL: (
        "Strengths: a warm, professional greeting and clear explanations. Areas for "
        "development: confirm the customer's need before offering a solution, and check the "
        "customer is satisfied before closing the interaction."
    ),
    Grade.PASS: (
        "Strengths: consistent, polite service that met every pass criterion. Areas for "
        "development: give examples of adapting your approach to different customers to reach "
        "distinction."
    ),
    Grade.DISTINCTION: (
        "Strengths: an excellent grasp of the organisation's service offer, with examples of "
        "going beyond what was asked. Areas for development: share your approach with "
        "colleagues so the team benefits."
    ),
}


@dataclass
class Diary:
    """Which assessor is busy when: a booking takes a free (assessor, day, hour) slot."""

    taken: set[tuple[int, date, int]] = field(default_factory=set)

    @classmethod
    def from_bookings(cls) -> Diary:
        """The slots already taken by active bookings (a resumed demo run)."""
        rows = Booking.objects.filter(status=Booking.Status.ACTIVE).values_list(
            "assessor_id", "starts_at"
        )
        local = ((a, timezone.localtime(s)) for a, s in rows)
        return cls({(a, s.date(), s.hour) for a, s in local})

    def slot(self, assessors: tuple[int, ...], day: date, rng: random.Random) -> tuple[int, int]:
        order = list(assessors)
        rng.shuffle(order)
        for hour in SLOT_HOURS:
            for assessor in order:
                if (assessor, day, hour) not in self.taken:
                    self.taken.add((assessor, day, hour))
                    return assessor, hour
        raise RuntimeError(f"every demo assessor is fully booked on {day}")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@dataclass
class Player:
    cast: Cast
    standard: StandardVersion
    diary: Diary
    rng: random.Random
    #: The real moment the demo is generated: no step of a story happens after it.
    now: datetime = field(default_factory=timezone.now)
    #: Sampled decisions the IQA will review: (day, sample id), in the order sampled.
    reviews: list[tuple[date, int]] = field(default_factory=list)

    def moment(self, day: date, hour: int) -> datetime:
        """`hour` on `day`, or now if that is still to come (a step taken today)."""
        return min(at(day, hour), self.now)

    def play(self, story: Story, person: dict[str, object]) -> Enrolment:
        enrolment: Enrolment | None = None
        self.reviews = []
        for step, day in story.steps:
            self.review_samples(before=day)
            hour = 18 if step in MARKING_STEP or step == Step.MARK_RESIT else 8
            with time_machine.travel(self.moment(day, hour), tick=False):
                if step == Step.REGISTER:
                    enrolment = self.register(story, person)
                    if story.scenario.adjustment:
                        self.request_adjustment(enrolment)
                    continue
                assert enrolment is not None
                self.take(step, day, story, enrolment)
                enrolment.refresh_from_db()
        assert enrolment is not None
        self.request_certificate(enrolment)
        self.review_samples(before=timezone.localdate(self.now))
        return enrolment

    def request_certificate(self, enrolment: Enrolment) -> None:
        """A released Pass or Distinction is exported as a certificate request a week after
        its release, once that day has come; the request completes the EPA."""
        enrolment.refresh_from_db()
        if enrolment.state != State.RESULTS_ISSUED:
            return
        result = enrolment.results.filter(released_at__isnull=False).latest("released_at")
        assert result.released_at is not None
        released = timezone.localdate(result.released_at)
        day = add_working_days(released, CERTIFICATE_DAYS)
        if result.grade == "fail" or day >= timezone.localdate(self.now):
            return
        self.review_samples(before=day)
        with time_machine.travel(self.moment(day, CERTIFICATE_HOUR), tick=False):
            do_export_certificate_requests(
                actor=self.cast.admin, epao_id=enrolment.epao_id, enrolment_ids=[enrolment.pk]
            )

    def review_samples(self, *, before: date) -> None:
        """The IQA signs off, agreeing, each sample due for review before `before`; the
        most recent samples are still waiting, as on any working day."""
        iqa = self.cast.users["iqa"]
        while self.reviews and self.reviews[0][0] < before:
            day, sample_id = self.reviews.pop(0)
            with time_machine.travel(self.moment(day, 11), tick=False):
                sample = IqaSample.objects.select_related("attempt").get(pk=sample_id)
                codes = sample.attempt.judgements.values_list("criterion_code", flat=True)
                do_sign_off_sample(
                    actor=iqa,
                    sample_id=sample.pk,
                    expected_version=sample.version,
                    sheet_version=sample.attempt.version,
                    reviews=dict.fromkeys(codes, (True, "")),
                    outcome=IqaSample.Outcome.GRADE_STANDS,
                    comments="",
                    changes={},
                )

    def register(self, story: Story, person: dict[str, object]) -> Enrolment:
        employer = self.cast.employers[story.index % len(self.cast.employers)]
        # A quarter of the apprentices are with the second provider (and, in a bigger demo,
        # the others spread over the extra ones in turn).
        providers = self.cast.providers
        provider = providers[
            ((0 if story.index % 4 else 1) + 2 * (story.index // 4)) % len(providers)
        ]
        start = story.gateway_day - timedelta(days=400)
        return do_register_enrolment(
            actor=self.cast.provider_user(provider),
            registration=Registration(
                standard=self.standard,
                epao=self.cast.epao,
                employer=employer,
                provider=provider,
                start_date=start,
                planned_end_date=story.gateway_day + (story.gateway_day - start) // 6,
                face_to_face=story.index % 3 != 1,
                non_facing=story.index % 3 != 0,
                **person,  # type: ignore[arg-type]
            ),
        )

    def prepare_gateway(self, day: date, enrolment: Enrolment) -> None:
        """Every task of the gateway, each by who does it: the provider the details and
        the documents (small generated PDFs), each party its own sign-off."""
        for row in task_list(enrolment).rows:
            self.do_task(row.task, day, enrolment)

    def do_task(
        self, task: GatewayTask, day: date, enrolment: Enrolment, redo: bool = False
    ) -> None:
        pk = enrolment.pk
        provider = self.cast.provider_user(enrolment.provider)
        if task.kind == TaskKind.DETAILS:
            details = GatewayDetails(
                gateway_date=day, english="level_1", maths="level_1", showcase_format="report"
            )
            do_save_gateway_details(actor=provider, enrolment_id=pk, details=details)
        elif task.kind == TaskKind.DOCUMENTS:
            title = f"{task.title}{' (signed)' if redo else ''}"
            do_upload_gateway_document(
                actor=provider,
                enrolment_id=pk,
                task=task.code,
                title=title,
                upload=demo_pdf(
                    f"{task.title.lower().replace(' ', '-')}.pdf",
                    f"{title}: {enrolment.apprentice}",
                ),
            )
        else:
            signer = (
                self.cast.employer_user(enrolment.employer)
                if task.party == Party.EMPLOYER
                else provider
            )
            do_sign_off_gateway(actor=signer, enrolment_id=pk, task=task.code, confirmed=True)

    def review_gateway(self, enrolment: Enrolment, returned: str) -> None:
        """The admin opens each requirement and accepts it; when `returned` is given, the
        first document task goes back with that reason."""
        submission = submissions_of(enrolment).first()
        assert submission is not None
        back = (
            next((code for code in submission.task_items if code in DOCUMENT_TASKS), None)
            if returned
            else None
        )
        for code in submission.task_items:
            do_review_requirement(
                actor=self.cast.admin,
                enrolment_id=enrolment.pk,
                task=code,
                accept=code != back,
                reason=returned if code == back else "",
            )

    def take(self, step: Step, day: date, story: Story, enrolment: Enrolment) -> None:
        admin = self.cast.admin
        pk = enrolment.pk
        provider = self.cast.provider_user(enrolment.provider)
        if step == Step.SUBMIT_GATEWAY:
            self.prepare_gateway(day, enrolment)
            do_submit_gateway_tasks(actor=provider, enrolment_id=pk, declared=True)
        elif step == Step.RESUBMIT_GATEWAY:
            for row in task_list(enrolment).rows:
                if row.status == TaskStatus.TO_REDO:
                    self.do_task(row.task, day, enrolment, redo=True)
            do_submit_gateway_tasks(actor=provider, enrolment_id=pk, declared=True)
        elif step == Step.REJECT_GATEWAY:
            # The first document task comes back: the record was not signed by the employer.
            self.review_gateway(enrolment, returned=RETURNED_REASON)
            do_reject_gateway(actor=admin, enrolment_id=pk, reasons="")
        elif step == Step.ACCEPT_GATEWAY:
            self.review_gateway(enrolment, returned="")
            do_accept_gateway(actor=admin, enrolment_id=pk)
            for adjustment in enrolment.adjustments.filter(state="requested"):
                do_decide_adjustment(
                    actor=admin,
                    adjustment_id=adjustment.pk,
                    approve=True,
                    reason="Supported by the provider's evidence; agreed at the planning stage.",
                )
        elif step == Step.PLAN:
            do_record_planning_meeting(
                actor=admin,
                enrolment_id=pk,
                details=PlanningDetails(
                    held_on=day,
                    arrangements="Quiet room at the workplace; laptop for the showcase report.",
                    method_requirements_explained=True,
                    feedback_certification_appeals_explained=True,
                ),
            )
        elif step == Step.BOOK:
            booked = [
                self.book(enrolment, method, story.day_of(mark_step), "first")
                for mark_step, method in MARKING_STEP.items()
            ]
            self.accept(day, booked)
        elif step in MARKING_STEP:
            method = MARKING_STEP[step]
            grade = story.scenario.grades[list(MARKING_STEP.values()).index(method)]
            self.mark(enrolment, method, grade, story.scenario.carry_over)
        elif step in (Step.RELEASE, Step.RELEASE_RESIT):
            result = enrolment.results.filter(superseded_at__isnull=True).latest("id")
            do_release_results(actor=admin, result_id=result.pk, expected_version=None)
            if story.scenario.enquiry and step == Step.RELEASE:
                do_raise_case(
                    actor=self.cast.employer_user(enrolment.employer),
                    enrolment_id=pk,
                    kind="enquiry",
                    subject=("result", result.pk),
                    grounds="The apprentice dealt with the customer's need before offering a "
                    "solution; please check the observation recording.",
                )
        elif step == Step.BOOK_RESIT:
            resit = self.book(enrolment, Method.OBSERVATION, story.day_of(Step.MARK_RESIT), "resit")
            self.accept(day, [resit])
        elif step == Step.MARK_RESIT:
            self.mark(enrolment, Method.OBSERVATION, Grade.PASS, carry_over=False)
        elif step == Step.WITHDRAW:
            do_withdraw_enrolment(
                actor=admin,
                enrolment_id=pk,
                reason="The apprentice left the employer before the assessment.",
            )

    def request_adjustment(self, enrolment: Enrolment) -> None:
        """Requested by the provider at registration, as seed 000 §5 advises."""
        do_request_adjustment(
            actor=self.cast.provider_user(enrolment.provider),
            enrolment_id=enrolment.pk,
            needs="Dyslexia: reads and writes more slowly under time pressure.",
            arrangement="25% extra time in the showcase interview and the discussion; "
            "questions also given in writing.",
        )

    def book(self, enrolment: Enrolment, method: Method, day: date, kind: str) -> Booking:
        assessor_ids = tuple(a.pk for a in self.cast.assessors)
        assessor_id, hour = self.diary.slot(assessor_ids, day, self.rng)
        return do_book_assessment(
            actor=self.cast.admin,
            enrolment_id=enrolment.pk,
            proposal=Proposal(
                method=method.value,
                kind=kind,
                starts_at=at(day, hour),
                duration_minutes=minutes_for(enrolment, method),
                assessor_id=assessor_id,
                venue=f"{enrolment.employer.name}, customer service floor",
            ),
        )

    def accept(self, day: date, bookings: list[Booking]) -> None:
        """Each assessor accepts their booking, confirming no conflict of interest, at noon
        on the day it was made (or now, if noon is still to come)."""
        with time_machine.travel(self.moment(day, ACCEPT_HOUR), tick=False):
            for booking in bookings:
                do_confirm_no_conflict(actor=booking.assessor, booking_id=booking.pk)

    def mark(self, enrolment: Enrolment, method: Method, grade: Grade, carry_over: bool) -> None:
        booking = enrolment.bookings.filter(method=method.value, status="active").latest("id")
        assessor = booking.assessor
        hour = timezone.localtime(booking.starts_at).hour
        attempt = do_open_sheet(actor=assessor, booking_id=booking.pk)
        codes = list(attempt.judgements.values_list("criterion_code", flat=True))
        judgements = outcomes(enrolment, method, codes, grade, carry_over, self.rng)
        attempt = do_save_sheet(
            actor=assessor,
            attempt_id=attempt.pk,
            expected_version=attempt.version,
            judgements=judgements,
            actual_start=time(hour, 5),
            actual_end=time(hour, 55),
            feedback=FEEDBACK[grade],
            photo_id_checked=True,
        )
        do_submit_sheet(actor=assessor, attempt_id=attempt.pk, expected_version=attempt.version)
        sample = IqaSample.objects.filter(attempt=attempt).first()
        if sample is not None:
            day = timezone.localdate()
            self.reviews.append((add_working_days(day, IQA_REVIEW_DAYS), sample.pk))


def minutes_for(enrolment: Enrolment, method: Method) -> int:
    """The policy's usual length for the method: its typical, else longest, else shortest."""
    duration = policy_of(enrolment).duration(DURATION_ACTIVITY[method.value])
    if duration is None:
        return 60
    return duration.typical_minutes or duration.max_minutes or duration.min_minutes or 60


def outcomes(
    enrolment: Enrolment,
    method: Method,
    codes: list[str],
    grade: Grade,
    carry_over: bool,
    rng: random.Random,
) -> dict[str, tuple[str, str, bool]]:
    """Every criterion on the sheet judged so the method comes out at `grade`, each with
    the evidence note an assessor would write."""
    standard = standard_of(enrolment)
    modes = modes_of(enrolment)
    pass_codes = [c.code for c in standard.criteria_for(method, modes, Level.PASS)]
    chosen: dict[str, str] = {}
    for code in codes:
        criterion = standard.criterion(code)
        if criterion is None or criterion.method != method:  # carried over into this sheet
            chosen[code] = Outcome.MET.value
        elif criterion.level == Level.DISTINCTION:
            met = grade == Grade.DISTINCTION
            chosen[code] = Outcome.MET.value if met else Outcome.NOT_MET.value
        else:
            chosen[code] = Outcome.MET.value
    if grade == Grade.FAIL and pass_codes:
        chosen[pass_codes[0]] = Outcome.NOT_MET.value
    if carry_over and method == Method.OBSERVATION and standard.method(method).carry_over_to:
        chosen[pass_codes[-1]] = Outcome.CARRIED_OVER.value
    out: dict[str, tuple[str, str, bool]] = {}
    for code, outcome in chosen.items():
        criterion = standard.criterion(code)
        assert criterion is not None
        out[code] = (outcome, evidence_note(criterion, method, outcome, rng), False)
    return out
