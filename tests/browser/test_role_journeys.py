"""One EPA journey in a real browser, role by role (issue 6 items 2 and 3).

Each step is a fresh browser session signed in through the sign-in page as that persona:
the provider registers an apprentice and submits gateway; the EPAO admin accepts gateway,
records the planning meeting and books the three methods; the assessor, on a tablet with
touch, marks the showcase (mouse), the observation (touch, one criterion carried over) and
the discussion (keyboard only, where the carried-over criterion is judged); the admin
releases the result; the apprentice, the employer and the provider each see it.

Forms are filled by their labels and buttons pressed by their accessible names, so a
missing label or name fails here. Every page visited is checked by `Visitor.check`
(tests/browser/visitor.py): axe with WCAG 2.2 A/AA including target-size, targets of at
least 24 px, a visible focus on every focusable element, and a screenshot
`<nn>-<role>-<page>.png`. The admin signs in and the discussion is marked by keyboard
alone, through a refused submission whose error summary leads back to the blank criterion;
the registration's error summary is checked the same way.

The journey is a sweep (`make test-sweeps`, and CI), as are the other journeys through the
browser; `make test` keeps a sample of the browser tests (README, "For developers").
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect
from pypdf import PdfReader

from openepa.assessments.layout import outcome_field
from openepa.domain.dates import long_date
from openepa.domain.grading import Outcome
from openepa.domain.journey import State
from openepa.domain.standard import InteractionMode, Method
from openepa.enrolments.models import Enrolment
from tests.browser.forms import fill_date
from tests.browser.visitor import TABLET, Visitor
from tests.journeys.driver import marks, working_day_after
from tests.personas import World, build_world, next_uln, person

pytestmark = [pytest.mark.browser, pytest.mark.sweep, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
#: A small PDF for the gateway's documents.
GATEWAY_PDF = b"%PDF-1.4\n% gateway meeting record\n%%EOF\n"
PASSWORD = "correct horse battery staple"  # tests.personas.person's password
F2F = frozenset({InteractionMode.FACE_TO_FACE})
#: The outcome radios of a criterion, by their labels on the marking sheet.
OUTCOME_LABELS = {
    Outcome.MET: "Met",
    Outcome.NOT_MET: "Not met",
    Outcome.NOT_EVIDENCED: "Not evidenced",
    Outcome.CARRIED_OVER: "Carry over to the discussion",
}
FEEDBACK = "Summarise the customer's request before answering it."

# What has focus after a key press: where it is, whether its focus indicator shows (WCAG
# 2.4.7) and whether something else, such as the sticky grade preview, hides it (2.4.11).
FOCUSED_JS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const seen = document.elementFromPoint(x, y);
  const label = seen && seen.closest('label');
  return {
    tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '', id: el.id,
    value: el.value || '', checked: !!el.checked,
    text: el.textContent.trim(), html: el.outerHTML.slice(0, 120),
    visible: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
      || style.boxShadow !== 'none',
    hidden_behind: (seen && (el.contains(seen) || seen.contains(el)
      || (label && [...(el.labels || [])].includes(label)))) ? '' : (seen ? seen.outerHTML.slice(0, 80) : 'off screen'),
  };
}"""


@pytest.fixture
def world(db: Any) -> World:
    return build_world()  # Highfield's policy


def test_epa_journey_role_by_role(visit: Any, world: World) -> None:
    enrolment = provider_registers_and_submits_gateway(visit, world)
    enrolment.refresh_from_db()
    assert enrolment.state == State.GATEWAY_SUBMITTED
    admin_accepts_gateway_plans_and_books(visit, world, enrolment)
    # The sheets are submitted once the assessments have taken place: the clock moves on
    # to the afternoon of the discussion, the last of them.
    with time_machine.travel(datetime.combine(working_day_after(7), time(14), LONDON)):
        assessor_marks_on_a_tablet(visit, world)
        admin_releases_the_result(visit, world)
        # The apprentice's own sign-in (there is no invitation page yet: arranged here).
        grace = person("grace@example.org", "Grace Hopper")
        enrolment.apprentice.user = grace
        enrolment.apprentice.save(update_fields=["user"])
        for role, persona in (
            ("apprentice", grace),
            ("employer", world.employer_user),
            ("provider", world.provider_user),
        ):
            see_result(sign_in(visit, role, persona), persona)


# --- the steps, one per role's session -------------------------------------------------


def prepare_gateway_in_the_browser(
    visit: Any, world: World, tab: Visitor, enrolment: Enrolment
) -> None:
    """The gateway task list, from the provider's task list page: the details, a document,
    the provider's sign-off; the employer signs in to sign theirs; the provider checks the
    answers and submits."""
    page = tab.page
    follow(tab, page.get_by_role("link", name="Gateway meeting, English and maths"), "details")
    fill_date(page, "Date of the gateway meeting", date.today().isoformat())
    page.get_by_label("English: highest level achieved").select_option(label="Level 1")
    page.get_by_label("Maths: highest level achieved").select_option(label="Level 1")
    page.get_by_label("Showcase format").select_option(label="Written report")
    follow(tab, page.get_by_role("button", name="Save and return to the task list"), "tasks")
    follow(tab, page.get_by_role("link", name="Gateway meeting record"), "meeting-record")
    page.get_by_label("Title").fill("Gateway meeting record, signed")
    page.get_by_label("File").set_input_files(
        {"name": "record.pdf", "mimeType": "application/pdf", "buffer": GATEWAY_PDF}
    )
    follow(tab, page.get_by_role("button", name="Upload"), "meeting-record-uploaded")
    expect(page.get_by_role("link", name="Gateway meeting record, signed")).to_be_visible()
    follow(tab, page.get_by_role("link", name="Back to the task list"), "tasks-2")
    follow(tab, page.get_by_role("link", name="Training provider sign-off"), "provider-sign")
    page.get_by_label("I confirm the declaration above").check()
    follow(tab, page.get_by_role("button", name="Sign off"), "provider-signed")

    employer = sign_in(visit, "employer", world.employer_user)
    employer.goto(f"/gateway/enrolments/{enrolment.pk}/tasks/employer_sign_off/", "employer-sign")
    employer.page.get_by_label("I confirm the declaration above").check()
    follow(employer, employer.page.get_by_role("button", name="Sign off"), "employer-signed")

    tab.goto(f"/gateway/enrolments/{enrolment.pk}/check/", "check-your-answers")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    page.get_by_label("I confirm the declaration above").check()
    follow(tab, page.get_by_role("button", name="Accept and submit the gateway"), "submitted")


def review_each_requirement(tab: Visitor, returned: dict[str, str] | None = None) -> None:
    """On the admin's gateway page: accept each requirement (or return it with a reason)."""
    page = tab.page
    for card in page.locator(".govuk-summary-card").all():
        code = (card.get_attribute("id") or "").removeprefix("requirement-")
        reason = (returned or {}).get(code)
        card.get_by_label("Return to the provider to redo" if reason else "Accept").check()
        if reason:
            card.get_by_label("Reason for returning it").fill(reason)
        follow(tab, card.get_by_role("button", name=re.compile("Record the decision")), code)


def provider_registers_and_submits_gateway(visit: Any, world: World) -> Enrolment:
    tab = sign_in(visit, "provider", world.provider_user)
    page = tab.page
    follow(tab, page.get_by_role("link", name="Register an apprentice").first, "register")
    page.get_by_label("Unique learner number (ULN)").fill("123456789")  # nine digits
    page.get_by_label("Given name").fill("Grace")
    page.get_by_label("Family name").fill("Hopper")
    fill_date(page, "Date of birth", "2007-03-09")
    page.get_by_label("Email address").fill("grace.hopper@example.org")
    page.get_by_label("Employer", exact=True).select_option(label="Harbour Bank")
    expect(page.get_by_label("Training provider")).to_have_value(str(world.provider.pk))
    page.get_by_label("End-point assessment organisation").select_option(label="Northern EPAO")
    fill_date(page, "Apprenticeship start date", "2025-01-06")
    fill_date(page, "Planned end date", "2026-02-27")
    page.get_by_label("Face-to-face with customers").check()
    follow(tab, page.get_by_role("button", name="Register the apprentice"), "register-error")
    error_summary_leads_to_the_field(
        tab, "Unique learner number (ULN)", "ULN must be exactly 10 digits"
    )
    page.get_by_label("Unique learner number (ULN)").fill(next_uln())
    follow(tab, page.get_by_role("button", name="Register the apprentice"), "apprentice")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grace Hopper")
    enrolment = Enrolment.objects.get(apprentice__given_name="Grace")

    follow(tab, page.get_by_role("link", name="Submit gateway evidence"), "gateway-tasks")
    prepare_gateway_in_the_browser(visit, world, tab, enrolment)
    expect(page.get_by_role("status")).to_contain_text("Gateway submitted")
    return enrolment


def admin_accepts_gateway_plans_and_books(visit: Any, world: World, enrolment: Enrolment) -> None:
    tab = sign_in(visit, "admin", world.admin, keyboard=True)
    page = tab.page
    follow(tab, page.get_by_role("link", name="Review for Grace Hopper"), "gateway-review")
    expect(page.get_by_text("Every requirement is met.")).to_be_visible()
    review_each_requirement(tab)
    follow(tab, page.get_by_role("button", name="Accept gateway"), "gateway-accepted")
    expect(page.get_by_role("status")).to_be_visible()

    follow(tab, page.get_by_role("link", name="Home"), "home")
    follow(
        tab, page.get_by_role("link", name="Record the planning meeting for Grace Hopper"), "plan"
    )
    fill_date(page, "Date of the planning meeting", date.today().isoformat())
    page.get_by_label("Access arrangements").fill("Quiet room at the branch.")
    page.get_by_label("The requirements of each assessment method were explained").check()
    page.get_by_label("Feedback after the EPA, certification and the appeals process").check()
    page.get_by_label("Where the practical observation will take place").select_option(
        value="workplace"
    )
    # The date and time agreed for the observation: the booking form shows them.
    preferred = working_day_after(6)
    fill_date(page, "Preferred date for the practical observation", preferred.isoformat())
    page.get_by_label("Preferred start time for the practical observation").fill("10:00")
    follow(tab, page.get_by_role("button", name="Record the planning meeting"), "bookings")

    for method, day, hour, minutes in (
        ("Apprentice showcase", 5, 9, 30),
        ("Practical observation", 6, 10, 90),
        ("Professional discussion", 7, 10, 60),
    ):
        follow(tab, page.get_by_role("button", name="Book an assessment"), "book")
        agreed = (
            f"Agreed at the planning meeting: practical observation {long_date(preferred)}, 10:00"
        )
        expect(page.get_by_text(agreed)).to_be_visible()
        page.get_by_label("Assessment method").select_option(label=method)
        page.get_by_label("Attempt", exact=True).select_option(label="First attempt")
        starts = f"{working_day_after(day).isoformat()}T{hour:02d}:00"
        fill_date(page, "Start date and time", starts)
        page.get_by_label("Duration in minutes").fill(str(minutes))
        page.get_by_label("Venue").fill("Harbour Bank, Quay Street branch")
        # Each assessor is listed with their allocation status (profile, standardisation).
        assessor = page.get_by_label("Assessor")
        option = assessor.locator("option", has_text="Ian Assessor")
        expect(option).to_contain_text("standardised until")
        assessor.select_option(value=option.get_attribute("value"))
        follow(tab, page.get_by_role("button", name="Book", exact=True), "booked")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"{method} for Grace Hopper")
        follow(tab, page.get_by_role("link", name="All bookings for Grace Hopper"), "bookings")
    assert enrolment.bookings.filter(status="active").count() == 3


def assessor_marks_on_a_tablet(visit: Any, world: World) -> None:
    tab = sign_in(visit, "assessor", world.assessor, viewport=TABLET, touch=True)
    page = tab.page
    sheets = {
        Method.SHOWCASE: marks(Method.SHOWCASE, F2F, 7),
        # The situation for S8.2 did not arise: carried over to the discussion (seed 002).
        Method.OBSERVATION: marks(Method.OBSERVATION, F2F, 4, {"S8.2": Outcome.CARRIED_OVER}),
        Method.DISCUSSION: {**marks(Method.DISCUSSION, F2F, 3), "S8.2": Outcome.MET},
    }
    for method, row in (
        (Method.SHOWCASE, "Apprentice showcase"),
        (Method.OBSERVATION, "Practical observation"),
        (Method.DISCUSSION, "Professional discussion"),
    ):
        follow(tab, page.get_by_role("link", name="My bookings", exact=True), "my-bookings")
        booking = page.get_by_role("row").filter(has_text=row).get_by_role("link").first
        follow(tab, booking, "booking")
        follow(
            tab,
            page.get_by_role("button", name=re.compile("I confirm I have no conflict")),
            "confirmed",
        )
        follow(
            tab, page.get_by_role("button", name="Open the marking sheet"), f"{method.value}-sheet"
        )
        if method is Method.SHOWCASE:
            mark_with_the_mouse(tab, sheets[method])
        elif method is Method.OBSERVATION:
            mark_by_touch(tab, sheets[method])
        else:
            mark_by_keyboard(tab, sheets[method])
        errors = page.locator(".govuk-error-summary")
        assert errors.count() == 0, errors.inner_text()
        tab.check(f"{method.value}-submitted")
        expect(page.get_by_role("status")).to_contain_text("Marking sheet submitted")
        if method is Method.DISCUSSION:
            # The carried-over criterion is judged here, in its own group on the sheet.
            expect(
                page.get_by_role("heading", name="Carried over from the practical observation")
            ).to_be_visible()


def admin_releases_the_result(visit: Any, world: World) -> None:
    tab = sign_in(visit, "admin", world.admin)
    page = tab.page
    follow(tab, page.get_by_role("link", name="Results", exact=True), "results")
    follow(tab, page.get_by_role("link", name="Grace Hopper"), "result")
    follow(tab, page.get_by_role("button", name="Release results"), "released")
    expect(page.get_by_text(re.compile(r"^Released on"))).to_be_visible()


def see_result(tab: Visitor, persona: Any) -> None:
    """From the home page to the released result: the overall grade and each method's, then
    the statement of results downloaded as a PDF whose text names the apprentice and grade."""
    page = tab.page
    link = "Your EPA result" if persona.email == "grace@example.org" else "Grace Hopper"
    results = page.get_by_role("region", name="Results", exact=True)
    follow(tab, results.get_by_role("link", name=link), "result")
    overall = page.locator(".govuk-summary-list__value").first
    expect(overall).to_contain_text("Distinction")
    methods = page.get_by_role("table", name="Each method's grade, from the attempt that counts")
    for method in ("Apprentice showcase", "Practical observation", "Professional discussion"):
        expect(methods.get_by_role("row", name=re.compile(method))).to_contain_text("Distinction")
    expect(page.get_by_text(FEEDBACK)).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Statement of results (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("statement")
    text = "".join(p.extract_text() for p in PdfReader(download.path()).pages)
    assert "Grace Hopper" in text
    assert "Distinction" in text


# --- marking ----------------------------------------------------------------------------


def criterion(page: Any, code: str) -> Any:
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(code)} "))


def mark_with_the_mouse(tab: Visitor, outcomes: dict[str, Outcome]) -> None:
    page = tab.page
    page.get_by_label("Actual start time").fill("09:00")
    page.get_by_label("Actual end time").fill("09:30")
    page.get_by_label("I checked the apprentice's photo ID").check()
    for code, outcome in outcomes.items():
        criterion(page, code).get_by_label(OUTCOME_LABELS[outcome], exact=True).check()
        criterion(page, code).get_by_label(f"Evidence note for {code}").fill(note(code))
    submit_sheet(tab, "Apprentice showcase: Distinction", lambda button: button.click())


def mark_by_touch(tab: Visitor, outcomes: dict[str, Outcome]) -> None:
    page = tab.page
    page.get_by_label("Actual start time").fill("10:00")
    page.get_by_label("Actual end time").fill("11:30")
    page.get_by_label("Feedback: areas for development").fill(FEEDBACK)
    page.get_by_label("I checked the apprentice's photo ID").tap()
    for code, outcome in outcomes.items():
        choice = criterion(page, code).get_by_label(OUTCOME_LABELS[outcome], exact=True)
        choice.tap()
        expect(choice).to_be_checked()
        criterion(page, code).get_by_label(f"Evidence note for {code}").fill(note(code))
    submit_sheet(tab, "Practical observation: Awaiting the discussion", lambda b: b.tap())


def note(code: str) -> str:
    return f"Seen and heard during the assessment: the evidence for {code}."


def submit_sheet(tab: Visitor, preview: str, press: Any) -> None:
    """Read the live grade preview, then continue to "check your answers" and confirm
    there. The preview answers the last change first, so its request never overlaps the
    submission."""
    page = tab.page
    expect(page.get_by_role("complementary", name="Grade preview")).to_contain_text(preview)
    with page.expect_navigation():
        press(page.get_by_role("button", name="Continue to check your answers"))
    expect(page.get_by_role("heading", name="Check your answers before submitting")).to_be_visible()
    tab.check("check-answers")
    confirm = page.get_by_role("button", name="Confirm and submit (locks the sheet)")
    confirm.focus()
    with page.expect_navigation():
        press(confirm)


def mark_by_keyboard(tab: Visitor, outcomes: dict[str, Outcome]) -> None:
    """Keyboard only. The first pass leaves the last criterion blank: submitting is refused,
    the error summary takes focus, Tab and Enter on its link land on that criterion's first
    radio. Then the sheet is completed and submitted. Every element that takes focus must
    show it and not be hidden behind the sticky grade preview."""
    page = tab.page
    by_field = {outcome_field(code): outcome for code, outcome in outcomes.items()}
    *first, (last, last_outcome) = by_field.items()
    # Hours, minutes and, where the browser's time field is 12-hour, AM (ignored otherwise).
    tab_to_submit(page, dict(first), {"actual_start": "1000A", "actual_end": "1100A"})
    with page.expect_navigation():
        press(page, "Enter", expect_focus=False)
    tab.check("discussion-refused")
    expect(page).to_have_title(re.compile(r"^Error: "))
    code = last.removeprefix("outcome_").replace("_", ".")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    link = press(page, "Tab")
    assert link["tag"] == "a", link
    assert f"still to judge: {code}" in link["text"], link
    focused = press(page, "Enter")
    assert focused["name"] == last, f"the error link left focus on {focused['html']}"
    choose_radio(page, focused, last_outcome.value)
    tab_to_submit(page, {}, {})
    submit_sheet(
        tab,
        "Professional discussion: Distinction",
        lambda _: press(page, "Enter", expect_focus=False),
    )


def tab_to_submit(page: Any, outcomes: dict[str, Outcome], times: dict[str, str]) -> None:
    """Tab until the submit button, typing the times, ticking photo ID and choosing the
    given outcomes on the way."""
    done: set[str] = set()
    for _ in range(400):
        focused = press(page, "Tab")
        name = focused["name"]
        if name in times and name not in done:
            page.keyboard.type(times[name])
        elif name.startswith("note_") and not focused["value"]:
            page.keyboard.type(note(name.removeprefix("note_").replace("_", ".")))
        elif name == "photo_id_checked" and not focused["checked"]:
            press(page, "Space")
        elif name in outcomes and name not in done:
            choose_radio(page, focused, outcomes[name].value)
        elif focused["text"] == "Continue to check your answers":
            missed = {*outcomes, *times} - done
            assert not missed, f"not reached by Tab: {missed}"
            return
        done.add(name)
    raise AssertionError("Tab never reached the submit button")


def choose_radio(page: Any, focused: dict[str, Any], value: str) -> None:
    """Tab lands on one radio of the group; arrows move along it, checking as they go."""
    for _ in range(len(OUTCOME_LABELS)):
        if focused["value"] == value:
            if not focused["checked"]:
                press(page, "Space")
            return
        focused = press(page, "ArrowRight")
    raise AssertionError(f"no radio {value} in {focused['name']}")


def press(page: Any, key: str, expect_focus: bool = True) -> dict[str, Any]:
    page.keyboard.press(key)
    if not expect_focus:
        return {}
    focused: dict[str, Any] = page.evaluate(FOCUSED_JS)
    assert focused["visible"], f"no visible focus after {key}: {focused['html']}"
    assert not focused["hidden_behind"], (
        f"focus on {focused['html']} hidden behind {focused['hidden_behind']}"
    )
    return focused


# --- signing in, following links, error summaries --------------------------------------


def sign_in(
    visit: Any,
    role: str,
    persona: Any,
    viewport: dict[str, int] | None = None,
    touch: bool = False,
    keyboard: bool = False,
) -> Visitor:
    tab: Visitor = visit(role, viewport, touch)
    tab.goto("/accounts/login/", "sign-in")
    page = tab.page
    if keyboard:
        # Keyboard only: Tab to each field (typing is the keyboard too), Enter submits.
        while press(page, "Tab")["id"] != "id_username":
            pass
        page.keyboard.type(persona.email)
        assert press(page, "Tab")["id"] == "id_password"
        page.keyboard.type(PASSWORD)
        with page.expect_navigation():
            press(page, "Enter", expect_focus=False)
    else:
        page.get_by_label("Email address").fill(persona.email)
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {persona.full_name}")
    tab.check("home")
    return tab


def follow(tab: Visitor, target: Any, label: str) -> None:
    """Click a link or button that loads a page, then check that page."""
    with tab.page.expect_navigation():
        target.click()
    tab.check(label)


def error_summary_leads_to_the_field(tab: Visitor, label: str, message: str) -> None:
    """GOV.UK's error summary: focused on arrival (so it is read first), titled, and each
    error a link that moves focus to its field."""
    page = tab.page
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    field = page.get_by_label(label)
    expect(field).to_have_attribute("aria-invalid", "true")
    summary.get_by_role("link", name=re.compile(re.escape(message))).click()
    expect(field).to_be_focused()
    assert press(page, "Tab")["id"]  # focus carries on from the field, visibly
