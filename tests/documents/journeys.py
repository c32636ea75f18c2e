"""Real EPA journeys for the documents tests, through the same pages people use
(tests/journeys/driver.py): a Distinction, a Fail then a resit to a Pass capped by NQual's
rule (seed 004), and the PDF text a download gives."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader

from openepa.domain.grading import Outcome
from openepa.domain.standard import InteractionMode, Method
from tests.journeys.driver import Journey, marks, working_day_after
from tests.personas import World, next_uln, person

F2F = frozenset({InteractionMode.FACE_TO_FACE})
#: A name that must come out as written, never as markup (seed data is escaped once for
#: the template and again for ReportLab's paragraphs).
AWKWARD_FAMILY = "O'Brien & <Sons>"
#: The documents of a passed and of a failed EPA (seed 000 §3).
PASS_DOCUMENTS = ("statement-of-results", "record-of-achievement", "feedback-report")
FAIL_DOCUMENTS = ("statement-of-results", "fail-letter", "feedback-report")
#: Personas who may download none of the apprentice's documents.
OUTSIDERS = (
    "assessor",
    "second_assessor",
    "iqa",
    "outsider_admin",
    "outsider_employer",
    "outsider_provider",
    "outsider_assessor",
)
OBSERVATION_FEEDBACK = (
    "Summarise the customer's request before acting.\nClose every call with a recap."
)
DISCUSSION_FEEDBACK = "Give more examples of handling complaints."
FAILED_FEEDBACK = "Open every conversation positively & check understanding."
S81_NOTE = "Did not greet the customer or introduce themselves."


def pdf_text(content: bytes) -> str:
    """Every page's text, whitespace collapsed so wrapped lines read as one sentence."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


class NotingJourney(Journey):
    """The journey driver, with the assessor's evidence notes on chosen criteria."""

    def mark_with_notes(
        self,
        assessor: Any,
        booking_id: int,
        outcomes: dict[str, Outcome],
        feedback: str,
        notes: dict[str, str],
    ) -> None:
        self.mark(assessor, booking_id, outcomes, feedback, notes=notes)


@dataclass
class Distinction:
    journey: NotingJourney
    apprentice_user: Any
    result_id: int


def distinction(world: World) -> Distinction:
    """Registered by the provider with an awkward name, gateway, planning, three methods
    marked at Distinction (with feedback), computed; not yet released."""
    journey = NotingJourney.register(
        world.provider_user,
        {
            "uln": next_uln(),
            "given_name": "Åsa",
            "family_name": AWKWARD_FAMILY,
            "date_of_birth": "2007-03-09",
            "email": "asa@example.org",
            "standard": world.standard.pk,
            "employer": world.employer.pk,
            "provider": world.provider.pk,
            "epao": world.epao.pk,
            "start_date": "2025-01-06",
            "planned_end_date": "2026-02-27",
            "face_to_face": "on",
        },
    )
    assert isinstance(journey, NotingJourney)
    own_login = person("asa@example.org", "Åsa O'Brien")
    journey.enrolment.apprentice.user = own_login
    journey.enrolment.apprentice.save(update_fields=["user"])
    journey.submit_gateway(world.provider_user)
    journey.accept_gateway(world.admin)
    journey.record_planning(world.admin)
    showcase = journey.book(
        world.admin, Method.SHOWCASE, world.assessor, working_day_after(5), 9, 30
    )
    observation = journey.book(
        world.admin, Method.OBSERVATION, world.assessor, working_day_after(6), 10, 90
    )
    discussion = journey.book(
        world.admin, Method.DISCUSSION, world.assessor, working_day_after(7), 10, 60
    )
    journey.mark(world.assessor, showcase, marks(Method.SHOWCASE, F2F, 10))
    journey.mark(
        world.assessor, observation, marks(Method.OBSERVATION, F2F, 4), OBSERVATION_FEEDBACK
    )
    journey.mark(world.assessor, discussion, marks(Method.DISCUSSION, F2F, 4), DISCUSSION_FEEDBACK)
    assert journey.state() == "awaiting_results"
    return Distinction(journey, own_login, journey.latest_result_id())


@dataclass
class FailThenResit:
    journey: NotingJourney
    fail_id: int
    pass_id: int | None


def fail(world: World) -> FailThenResit:
    """The observation failed (S8.1 not met, with a note), the other methods at Distinction;
    the Fail released. Gateway evidence for NQual (the showcase, seed 004) and Gateway
    Qualifications (a Level 2 attempt, seed 000 §2.2); `world` is built with either policy."""
    journey = NotingJourney(world.enrolment)
    showcase, observation, discussion = journey.to_three_bookings(world)
    journey.mark(world.assessor, showcase, marks(Method.SHOWCASE, F2F, 10))
    journey.mark_with_notes(
        world.assessor,
        observation,
        marks(Method.OBSERVATION, F2F, 5, {"S8.1": Outcome.NOT_MET}),
        FAILED_FEEDBACK,
        {"S8.1": S81_NOTE},
    )
    journey.mark(world.assessor, discussion, marks(Method.DISCUSSION, F2F, 4))
    fail_id = journey.release(world.admin)
    assert journey.state() == "resit_due"
    return FailThenResit(journey, fail_id, None)


def resit_to_a_pass(world: World, failed: FailThenResit) -> FailThenResit:
    """The failed observation resat (second assessor) and passed at Distinction level; NQual
    caps the EPA at Pass after a resit (seed 004). Released."""
    journey = failed.journey
    resit = journey.book(
        world.admin,
        Method.OBSERVATION,
        world.second_assessor,
        working_day_after(21),
        10,
        60,
        kind="resit",
    )
    journey.mark(world.second_assessor, resit, marks(Method.OBSERVATION, F2F, 5))
    failed.pass_id = journey.release(world.admin)
    return failed


def parties(journey: Distinction, world: World) -> dict[str, Any]:
    """Who receives the apprentice's documents once released, by persona name."""
    return {
        "apprentice": journey.apprentice_user,
        "employer": world.employer_user,
        "provider": world.provider_user,
    }


def get_document(client: Any, user: Any, result_id: int, document: str, suffix: str) -> Any:
    """A document of a result as `user` sees it (None: signed out): `.pdf` or `.html`."""
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(f"/documents/results/{result_id}/{document}.{suffix}")
