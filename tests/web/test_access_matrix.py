"""Every persona × every object URL in the project: who gets the page, who gets a 404.

The URLs are collected from the resolver when the tests run, so a page added to the
enrolments, gateway, bookings, assessments or results apps is covered the moment it exists.
Its object id comes from OBJECT_FOR_PARAMETER (a parameter name with no object there fails
the test, saying which) and who may open it from ALLOWED (a URL name overrides its app).

The rule checked (CONTRIBUTING.md, "Reads"): anonymous visitors are sent to sign in;
anyone the allow-list names gets the page (or, for a POST-only action, anything but a
404); everyone else gets the same 404 a missing id gets, and a POST from them changes
nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone

from openepa.assessments.models import Amendment, Attempt, Judgement
from openepa.bookings.models import Booking, PlanningMeeting
from openepa.cases.models import Case, ReasonableAdjustment, SpecialConsideration
from openepa.enrolments.models import Enrolment, JourneyEvent
from openepa.gateway.models import GatewaySubmission
from openepa.results.models import OverallResult

pytestmark = pytest.mark.django_db

NAMESPACES = ("enrolments", "gateway", "bookings", "assessments", "results", "cases")
LOGIN = "/accounts/login/"
#: An id no object has: the answer for it is the answer a foreign object must get.
MISSING_ID = 987_654_321

STAFF = {"admin"}
PARTIES = {"admin", "employer", "provider", "apprentice"}
#: Who may open each URL: a URL name's own entry, else its app's. "assessor" means the
#: world's assessor, who is allocated to the booking below; the second assessor is not.
ALLOWED: dict[str, set[str]] = {
    # Apps (issue 3 §10).
    "enrolments": PARTIES | {"assessor"},
    "gateway": STAFF,
    "bookings": STAFF | {"assessor"},
    "assessments": STAFF | {"assessor"},
    "results": PARTIES,  # the result below is released, so the apprentice's side sees it
    # Pages narrower or wider than their app.
    "enrolments:withdraw": STAFF,
    "gateway:review": STAFF | {"employer", "provider"},  # they follow their own submission
    "gateway:submit": {"employer", "provider"},
    "bookings:enrolment": STAFF,
    "bookings:planning": STAFF,
    "bookings:book": STAFF,
    "bookings:reschedule": STAFF,
    "bookings:cancel": STAFF,
    "bookings:confirm": {"assessor"},  # the allocated assessor confirms no conflict
    "assessments:amend": STAFF,  # only an EPAO admin amends a submitted sheet
    "assessments:preview": {"assessor"},  # the live preview is the marking assessor's
    # Reasonable adjustments, special considerations, enquiries and appeals (issue 5): the
    # parties ask and follow, the EPAO's admins decide. Assessors see only the approved
    # arrangement, on their booking and marking pages.
    "cases": PARTIES,
    "cases:request_adjustment": PARTIES - STAFF,
    "cases:request_consideration": PARTIES - STAFF,
    "cases:raise": PARTIES - STAFF,
    "cases:decide_adjustment": STAFF,
    "cases:decide_consideration": STAFF,
    "cases:review": STAFF,
    "cases:decide": STAFF,
    "cases:close": STAFF,
    "cases:amend": STAFF,
}


@dataclass(frozen=True)
class ObjectUrl:
    name: str  # "namespace:name"
    parameters: tuple[str, ...]

    @property
    def namespace(self) -> str:
        return self.name.split(":", 1)[0]

    @property
    def allowed(self) -> set[str]:
        return ALLOWED.get(self.name, ALLOWED[self.namespace])


def _parameters(pattern: Any) -> dict[str, bool]:
    """{parameter name: is it an int} for one piece of a URL pattern."""
    if isinstance(pattern, RoutePattern):
        return {n: isinstance(c, IntConverter) for n, c in pattern.converters.items()}
    if isinstance(pattern, RegexPattern):
        return dict.fromkeys(pattern.regex.groupindex, False)
    return {}


def object_urls() -> list[ObjectUrl]:
    """Every named URL in NAMESPACES with at least one int parameter."""
    found: list[ObjectUrl] = []

    def walk(patterns: list[Any], namespace: str, inherited: dict[str, bool]) -> None:
        for entry in patterns:
            params = {**inherited, **_parameters(entry.pattern)}
            if isinstance(entry, URLResolver):
                inner = entry.namespace or ""
                ns = ":".join(p for p in (namespace, inner) if p)
                walk(entry.url_patterns, ns, params)
            elif (
                isinstance(entry, URLPattern)
                and entry.name
                and any(params.values())
                and namespace.split(":", 1)[0] in NAMESPACES
            ):
                found.append(ObjectUrl(f"{namespace}:{entry.name}", tuple(params)))

    walk(get_resolver().url_patterns, "", {})
    return sorted(found, key=lambda u: u.name)


URLS = object_urls()


@pytest.fixture
def objects(world) -> dict[str, int]:
    """One object of every kind for the world's enrolment, by the URL parameter naming it.
    The booking (and so the sheet) is allocated to world.assessor."""
    enrolment = world.enrolment
    now = timezone.now()
    submission = GatewaySubmission.objects.create(
        enrolment=enrolment,
        submitted_by=world.provider_user,
        gateway_date=date(2026, 2, 2),
        english="level_1",
        maths="level_1",
    )
    meeting = PlanningMeeting.objects.create(
        enrolment=enrolment,
        held_on=date(2026, 2, 9),
        recorded_by=world.admin,
        arrangements="Quiet room at the employer's office",
    )
    booking = Booking.objects.create(
        enrolment=enrolment,
        method="observation",
        starts_at=now + timedelta(days=14),
        duration_minutes=90,
        assessor=world.assessor,
        created_by=world.admin,
    )
    attempt = Attempt.objects.create(
        enrolment=enrolment,
        booking=booking,
        method="observation",
        number=1,
        kind="first",
        assessor=world.assessor,
        assessed_on=timezone.localdate() + timedelta(days=14),
    )
    judgement = Judgement.objects.create(attempt=attempt, criterion_code="S8.1")
    amendment = Amendment.objects.create(attempt=attempt, amended_by=world.admin, reason="Typo")
    result = OverallResult.objects.create(
        enrolment=enrolment,
        grade="pass",
        methods={},
        last_component_on=timezone.localdate(),
        released_at=now,
        released_by=world.admin,
    )
    adjustment = ReasonableAdjustment.objects.create(
        enrolment=enrolment,
        requested_by=world.provider_user,
        requester_organisation=world.provider,
        requested_on=timezone.localdate(),
        needs="Needs",
        arrangement="Extra time",
    )
    consideration = SpecialConsideration.objects.create(
        enrolment=enrolment,
        booking=booking,
        requested_by=world.provider_user,
        requester_organisation=world.provider,
        requested_on=timezone.localdate(),
        rescheduling_tried=True,
        circumstances="Circumstances",
    )
    case = Case.objects.create(
        enrolment=enrolment,
        kind="enquiry",
        result=result,
        raised_by=world.apprentice_user,
        raised_on=timezone.localdate(),
        grounds="Grounds",
    )
    return {
        "adjustment_id": adjustment.pk,
        "consideration_id": consideration.pk,
        "case_id": case.pk,
        "enrolment_id": enrolment.pk,
        "submission_id": submission.pk,
        "gateway_submission_id": submission.pk,
        "meeting_id": meeting.pk,
        "planning_meeting_id": meeting.pk,
        "booking_id": booking.pk,
        "attempt_id": attempt.pk,
        "sheet_id": attempt.pk,
        "judgement_id": judgement.pk,
        "amendment_id": amendment.pk,
        "result_id": result.pk,
        "overall_result_id": result.pk,
    }


def unmapped(url: ObjectUrl, objects: dict[str, int]) -> list[str]:
    return [p for p in url.parameters if p not in objects]


def url_for(url: ObjectUrl, objects: dict[str, int], *, missing: bool = False) -> str:
    gaps = unmapped(url, objects)
    if gaps:
        pytest.fail(
            f"{url.name} takes {', '.join(gaps)}, which the access matrix cannot fill: add "
            "an object for it to the `objects` fixture in tests/web/test_access_matrix.py"
        )
    return reverse(
        url.name, kwargs={p: MISSING_ID if missing else objects[p] for p in url.parameters}
    )


def snapshot() -> tuple[Any, ...]:
    """Everything a POST to these pages could write."""
    return (
        JourneyEvent.objects.count(),
        sorted(Enrolment.objects.values_list("pk", "state", "version")),
        GatewaySubmission.objects.count(),
        sorted(GatewaySubmission.objects.values_list("pk", "status")),
        PlanningMeeting.objects.count(),
        sorted(Booking.objects.values_list("pk", "status", "starts_at", "assessor_id")),
        sorted(Attempt.objects.values_list("pk", "status", "version")),
        sorted(Judgement.objects.values_list("pk", "outcome")),
        Amendment.objects.count(),
        sorted(OverallResult.objects.values_list("pk", "released_at")),
        sorted(ReasonableAdjustment.objects.values_list("pk", "state", "version")),
        sorted(SpecialConsideration.objects.values_list("pk", "state", "version")),
        sorted(Case.objects.values_list("pk", "state", "version")),
    )


def is_login_redirect(response: Any) -> bool:
    location: str = response.get("Location", "")
    return response.status_code == 302 and location.startswith(LOGIN)


def test_the_matrix_covers_every_app_that_has_object_pages():
    assert any(u.namespace == "enrolments" for u in URLS), "the enrolment page is missing"
    for url in URLS:
        assert url.namespace in ALLOWED, url.name


def test_every_url_parameter_names_an_object(objects):
    gaps = {u.name: unmapped(u, objects) for u in URLS if unmapped(u, objects)}
    assert not gaps, (
        f"URL parameters with no object in the access matrix: {gaps}. Add each to the "
        "`objects` fixture in tests/web/test_access_matrix.py."
    )


@pytest.mark.parametrize("url", URLS, ids=lambda u: u.name)
def test_get_answers_each_persona_as_the_allow_list_says(client, world, objects, url):
    address = url_for(url, objects)
    problems = []
    for persona, user in world.personas().items():
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(address)
        status = response.status_code
        if user is None:
            ok, wanted = is_login_redirect(response), f"302 to {LOGIN}"
        elif persona in url.allowed:
            # A POST-only action answers GET with 405; a page may redirect onwards.
            ok = status in (200, 405) or (status == 302 and not is_login_redirect(response))
            wanted = "200 (or 302/405)"
        else:
            # The same answer as for an id that does not exist: 404, or the 405 a
            # POST-only view gives every GET before it looks anything up.
            same_as_missing = client.get(url_for(url, objects, missing=True)).status_code
            ok = status == 404 or (status == 405 and same_as_missing == 405)
            wanted = "404"
        if not ok:
            problems.append(f"{persona}: got {status}, expected {wanted}")
    assert not problems, (
        f"GET {address} ({url.name}, allowed: {sorted(url.allowed)}):\n  "
        + "\n  ".join(problems)
        + "\nIf the page's audience is right, set it in ALLOWED in tests/web/test_access_matrix.py."
    )


@pytest.mark.parametrize("url", URLS, ids=lambda u: u.name)
def test_a_post_from_anyone_not_allowed_is_a_404_and_changes_nothing(client, world, objects, url):
    address = url_for(url, objects)
    before = snapshot()
    problems = []
    for persona, user in world.personas().items():
        if persona in url.allowed:
            continue
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.post(address, {"reason": "Not mine to decide", "version": 1})
        if user is None:
            ok, wanted = is_login_redirect(response), f"302 to {LOGIN}"
        else:
            # 405: a page that takes no POST at all, so nothing could be written.
            ok, wanted = response.status_code in (404, 405), "404"
        if not ok:
            problems.append(f"{persona}: got {response.status_code}, expected {wanted}")
        if snapshot() != before:
            problems.append(f"{persona}: the POST changed data")
            before = snapshot()
    assert not problems, f"POST {address} ({url.name}):\n  " + "\n  ".join(problems)


def test_a_parameter_with_no_object_is_reported_by_name(objects):
    url = ObjectUrl("gateway:example", ("enrolment_id", "widget_id"))
    assert unmapped(url, objects) == ["widget_id"]
    with pytest.raises(pytest.fail.Exception, match="takes widget_id, which the access matrix"):
        url_for(url, objects)
