"""The assessor's sheet: the applicable criteria for the apprentice's interaction modes,
grouped by module; saving a draft; the live grade preview; submitting locks the sheet."""

from __future__ import annotations

import re

import pytest

from openepa.assessments.models import Attempt
from openepa.enrolments.models import JourneyEvent
from tests.assessments.helpers import book, form_data, mark, open_sheet, sheet_url, text

pytestmark = pytest.mark.django_db

OBSERVATION_PASS = [
    *(f"S8.{i}" for i in (1, 2, 3)),
    *(f"S9.{i}" for i in range(1, 7)),
    "B16.1",
    "B16.2",
    "B17.1",
    "B17.2",
    *(f"B18.{i}" for i in range(1, 7)),
]
SHOWCASE_DISTINCTION = [
    "K2.6",
    "K3.4",
    "K3.5",
    "K7.3",
    "S10.4",
    "S11.3",
    "S12.7",
    "B13.3",
    "B15.4",
    "B15.5",
]


def legends(html: str) -> list[str]:
    return re.findall(r'<span class="app-criterion-code">([A-Z]+\d+\.\d+)</span>', html)


def test_face_to_face_apprentice_sees_no_non_facing_criteria(assessor_client, world):
    booking = book(world, "observation")
    page = assessor_client.get(sheet_url(booking)).content.decode()
    shown = legends(page)
    assert {"S9.1", "S9.2", "S9.3"} <= set(shown)
    assert not {"S9.4", "S9.5", "S9.6"} & set(shown)
    assert len(shown) == 16 + 5  # 16 applicable pass criteria and 5 distinction
    assert "Carry over to the discussion" in page
    assert "The situation arose and the apprentice attempted it" in page
    # B17.1 shows its face-to-face wording only.
    assert "Present a professional image in line with the organisational dress code" in page
    assert "Demonstrate a positive attitude and welcoming approach" not in page


def test_both_modes_apprentice_sees_all_nineteen_observation_pass_criteria(assessor_client, world):
    world.enrolment.non_facing = True
    world.enrolment.save(update_fields=["non_facing"])
    booking = book(world, "observation")
    shown = legends(assessor_client.get(sheet_url(booking)).content.decode())
    assert [c for c in shown if c in OBSERVATION_PASS] == OBSERVATION_PASS
    assert len(shown) == 24
    attempt = Attempt.objects.get(booking=booking)
    assert attempt.judgements.count() == 24


def test_sheet_groups_criteria_by_module_with_amplification(assessor_client, world):
    booking = book(world, "showcase")
    page = assessor_client.get(sheet_url(booking)).content.decode()
    assert page.index("Understanding the organisation") < page.index("K2.1")
    assert "<details" in page
    assert "Amplification and guidance" in page
    assert 'aria-live="polite"' in page
    assert "Carry over to the discussion" not in page  # showcase criteria cannot be carried
    assert "Save draft" in page
    assert "Continue to check your answers" in page
    assert "<script>" not in page  # no inline script (CSP)
    assert "style=" not in page


def test_opening_records_a_journey_event_once(assessor_client, world):
    booking = book(world, "showcase")
    open_sheet(assessor_client, booking)
    open_sheet(assessor_client, booking)
    events = JourneyEvent.objects.filter(enrolment=world.enrolment, action="open_marking_sheet")
    assert events.count() == 1
    attempt = Attempt.objects.get(booking=booking)
    assert attempt.assessed_on.isoformat() == "2026-03-02"
    assert (attempt.method, attempt.number, attempt.kind) == ("showcase", 1, "first")
    assert attempt.judgements.count() == 40


def test_saving_a_draft_keeps_partial_marking(assessor_client, world):
    booking = book(world, "showcase")
    attempt = open_sheet(assessor_client, booking)
    data = form_data(
        attempt, {"K2.1": "not_met"}, default="", notes={"K2.1": "Could not state the aims."}
    )
    response = assessor_client.post(sheet_url(booking), data, follow=True)
    assert "Draft saved." in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.version == 2
    assert attempt.status == "draft"
    assert attempt.updated_by == world.assessor
    k21 = attempt.judgements.get(criterion_code="K2.1")
    assert (k21.outcome, k21.note) == ("not_met", "Could not state the aims.")
    assert attempt.judgements.filter(outcome="").count() == 39
    assert 'value="not_met"' in response.content.decode()


def _showcase(distinction_met: int) -> dict[str, str]:
    return {
        code: ("met" if i < distinction_met else "not_met")
        for i, code in enumerate(SHOWCASE_DISTINCTION)
    }


@pytest.mark.parametrize(("met", "grade"), [(7, "Distinction"), (6, "Pass")])
def test_preview_grades_the_unsaved_form(assessor_client, world, met, grade):
    booking = book(world, "showcase")
    attempt = open_sheet(assessor_client, booking)
    data = form_data(attempt, _showcase(met), intent="preview")
    page = assessor_client.post(sheet_url(booking), data).content.decode()
    assert f'<strong class="govuk-tag govuk-tag--green">{grade}</strong>' in page
    assert f"Distinction criteria met: {met} (7 needed for a distinction)." in page
    fragment = assessor_client.post(f"/marking/attempt/{attempt.pk}/preview", data)
    assert fragment.status_code == 200
    assert f">{grade}</strong>" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    attempt.refresh_from_db()
    assert attempt.version == 1  # a preview saves nothing
    assert not attempt.judgements.exclude(outcome="").exists()


def test_preview_of_a_half_marked_sheet_is_not_a_fail(assessor_client, world):
    booking = book(world, "showcase")
    attempt = open_sheet(assessor_client, booking)
    data = form_data(attempt, {"K2.1": "met"}, default="", intent="preview")
    fragment = assessor_client.post(f"/marking/attempt/{attempt.pk}/preview", data)
    html = fragment.content.decode()
    assert ">Not complete</strong>" in html
    assert "39 of 40 criteria still need an outcome." in html


def test_preview_shows_carry_over_as_awaiting_the_discussion(assessor_client, world):
    booking = book(world, "observation")
    attempt = open_sheet(assessor_client, booking)
    data = form_data(attempt, {"S9.1": "carried_over"}, intent="preview")
    html = assessor_client.post(f"/marking/attempt/{attempt.pk}/preview", data).content.decode()
    assert ">Awaiting the discussion</strong>" in html
    assert "Awaiting the discussion's judgement of carried-over S9.1." in text_of(html)


def text_of(html: str) -> str:
    return html.replace("&#x27;", "'")


def test_submit_locks_the_sheet(assessor_client, world):
    booking = book(world, "showcase")
    response = mark(assessor_client, booking, _showcase(7))
    assert response.status_code == 302
    attempt = Attempt.objects.get(booking=booking)
    assert attempt.status == "submitted"
    assert attempt.submitted_at is not None
    booking.refresh_from_db()
    assert booking.status == "completed"
    world.enrolment.refresh_from_db()
    assert world.enrolment.first_activity_on.isoformat() == "2026-03-02"
    assert world.enrolment.state == "in_assessment"  # two methods still to go
    event = JourneyEvent.objects.get(enrolment=world.enrolment, action="submit_marking_sheet")
    assert event.data["grade"] == "distinction"

    page = assessor_client.get(sheet_url(booking))
    html = page.content.decode()
    assert "Continue to check your answers" not in html  # read-only now
    assert ">Distinction</strong>" in html

    again = assessor_client.post(sheet_url(booking), form_data(attempt, default="not_met"))
    assert "is locked; only an EPAO admin can amend it, with a reason." in text(again)
    assert "This marking sheet was submitted at" in text(again)
    assert (
        not attempt.judgements.filter(outcome="not_met")
        .exclude(criterion_code__in=SHOWCASE_DISTINCTION)
        .exists()
    )


def test_submit_needs_every_outcome_and_saves_the_draft(assessor_client, world):
    booking = book(world, "showcase")
    response = mark(assessor_client, booking, {"K2.1": "", "K2.2": ""})
    html = text(response)
    assert (
        "Choose an outcome for every criterion before submitting; still to judge: K2.1, K2.2."
        in html
    )
    assert "Your changes were saved as a draft, but the sheet was not submitted." in html
    attempt = Attempt.objects.get(booking=booking)
    assert attempt.status == "draft"
    assert attempt.judgements.filter(outcome="met").count() == 38
    # The page carries the saved version, so the next submit is not refused as stale.
    assert f'name="version" value="{attempt.version}"' in html


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("", "10:00", "Enter the actual start time before submitting."),
        ("09:00", "", "Enter the actual end time before submitting."),
        (
            "10:00",
            "09:30",
            "The actual end time (09:30) must be after the actual start time (10:00).",
        ),
    ],
)
def test_submit_needs_actual_start_and_end(assessor_client, world, start, end, message):
    booking = book(world, "showcase")
    html = text(mark(assessor_client, booking, start=start, end=end))
    assert message in html
    assert Attempt.objects.get(booking=booking).status == "draft"


def test_submit_needs_the_photo_id_checked(assessor_client, world):
    """Seed 002: "Photo ID is checked on assessment day"."""
    booking = book(world, "showcase")
    page = assessor_client.get(sheet_url(booking)).content.decode()
    assert 'name="photo_id_checked"' in page
    assert "I checked the apprentice&#x27;s photo ID" in page
    html = text(mark(assessor_client, booking, photo_id_checked=False))
    assert "Check the apprentice's photo ID before submitting." in html
    assert 'id="id_photo_id_checked-error"' in html  # shown on the checkbox itself
    attempt = Attempt.objects.get(booking=booking)
    assert (attempt.status, attempt.photo_id_checked) == ("draft", False)
    assert mark(assessor_client, booking).status_code == 302
    attempt.refresh_from_db()
    assert (attempt.status, attempt.photo_id_checked) == ("submitted", True)
