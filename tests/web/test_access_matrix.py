"""Every persona × every object URL in the project: who gets the page, who gets a 404.

The URLs are collected from the resolver when the tests run, so a page added to the
apps listed in NAMESPACES is covered the moment it exists. Its object id comes from the
`objects` fixture (a parameter name with no object there fails the test, saying which) and
who may open it from ALLOWED (a URL name overrides its app).

The rule checked (CONTRIBUTING.md, "Reads"): anonymous visitors are sent to sign in;
anyone the allow-list names gets the page (or, for a POST-only action, anything but a
404); everyone else gets the same 404 a missing id gets, and a POST from them changes
nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone

from openepa.assessments.models import Amendment, Attempt, Judgement
from openepa.assessors.models import AssessorProfile, Attendance, Availability
from openepa.bookings.models import Booking, ConflictDeclaration, PlanningMeeting
from openepa.cases.models import Case, ReasonableAdjustment, SpecialConsideration
from openepa.certificates.models import ExportBatch
from openepa.enrolments.models import BulkUpload, Enrolment, JourneyEvent
from openepa.evidence.models import EvidenceFile, EvidenceTag
from openepa.evidence.storage import storage as evidence_storage
from openepa.gateway.models import GatewayItem, GatewaySubmission, RequirementReview
from openepa.notifications.models import InAppNotice, OutboxMessage, PreparedDownload
from openepa.planner.models import Proposal, ProposalLine
from openepa.quality.models import IqaCriterionReview, IqaSample
from openepa.results.models import OverallResult
from tests.module_db import rolled_back_at_module_end

pytestmark = pytest.mark.django_db

NAMESPACES = (
    "enrolments",
    "gateway",
    "bookings",
    "assessments",
    "results",
    "evidence",
    "certificates",
    "notifications",
    "documents",
    "quality",
    "assessors",
    "cases",
    "planner",
)
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
    # Whoever sees the enrolment sees its portfolio, and the EPAO's IQAs who check decisions
    # on it (a case's reviewer and panel too: tests/evidence).
    "evidence": PARTIES | {"assessor", "iqa"},
    "certificates": STAFF,  # export batches carry every exported apprentice's ULN and grade
    "notifications": STAFF,  # the outbox is the EPAO admins' page
    "documents": PARTIES,  # a result's PDFs go to whoever sees the result
    "quality": STAFF | {"iqa"},  # the EPAO's IQAs review a sample; its admins follow it
    # Pages narrower or wider than their app.
    "enrolments:withdraw": STAFF,
    # Where the certificate goes: the employer or the EPAO's admins set it (issue 13).
    "certificates:postal_contact": STAFF | {"employer"},
    "gateway:review": STAFF | {"employer", "provider"},  # they follow their own submission
    "gateway:submit": {"employer", "provider"},  # the task list they prepare
    "gateway:task": {"employer", "provider"},
    "gateway:check": {"employer", "provider"},
    "gateway:withdraw_document": {"employer", "provider"},  # a document not yet submitted
    "gateway:review_requirement": STAFF,  # the EPAO's admins review each requirement
    # A gateway document: those who prepare it, the admins who review it, the IQAs who
    # quality-assure the decisions after it, and the enquiry's reviewer (the second
    # assessor below); not the apprentice, nor the booking's assessor.
    "gateway:document": STAFF | {"employer", "provider", "iqa", "second_assessor"},
    "enrolments:employer_decisions": {"employer", "provider"},  # the employer's say (issue 12)
    "bookings:enrolment": STAFF,
    "bookings:planning": STAFF,
    "bookings:book": STAFF,
    "bookings:reschedule": STAFF,
    "bookings:cancel": STAFF,
    "bookings:confirm": {"assessor"},  # the allocated assessor confirms no conflict
    "bookings:decline": {"assessor"},  # only the allocated assessor declines
    "bookings:withdraw_conflict": {"assessor"},  # the assessor who declared it
    "bookings:missed": {"assessor"},  # the allocated assessor records a missed assessment
    "bookings:decide_missed": STAFF,  # the EPAO's admins decide it
    "assessments:amend": STAFF,  # only an EPAO admin amends a submitted sheet
    "assessments:preview": {"assessor"},  # the live preview is the marking assessor's
    "assessments:check": {"assessor"},  # check your answers: the marking assessor only
    "evidence:remove": PARTIES,  # the apprentice's side and the EPAO's admins
    "evidence:tag": PARTIES - STAFF,  # the apprentice's side chooses the criteria
    # A showcase file: everyone who sees the enrolment, and the enquiry's reviewer (the
    # second assessor below) while the case is theirs.
    "evidence:download": {
        "admin",
        "apprentice",
        "assessor",
        "employer",
        "iqa",
        "provider",
        "second_assessor",
    },
    # The result below is a Pass: it has no fail letter, for anyone (tests/documents
    # download a Fail's letter).
    "documents:fail_letter": set(),
    "documents:fail_letter_html": set(),
    # A CSV upload's report is its uploader's only (the provider below).
    "enrolments:bulk_report": {"provider"},
    "enrolments:bulk_errors": {"provider"},
    # Assessor profiles: the EPAO's admins and the assessor whose profile it is.
    "assessors": STAFF | {"assessor"},
    "assessors:edit": STAFF,  # competence and qualification are the EPAO's to record
    # Standardisation events: admins, IQAs, and the assessors invited (both world assessors).
    "assessors:event": STAFF | {"assessor", "second_assessor", "iqa"},
    # Reasonable adjustments, special considerations, enquiries and appeals (issue 5): the
    # parties ask and follow, the EPAO's admins decide. Assessors see only the approved
    # arrangement, on their booking and marking pages.
    "cases": PARTIES,
    "cases:request_adjustment": PARTIES - STAFF,
    "cases:request_consideration": PARTIES - STAFF,
    "cases:raise": PARTIES - STAFF,
    "cases:decide_adjustment": STAFF,
    "cases:decide_consideration": STAFF,
    # The case page: the parties who follow it, the admins, and the case's reviewer (the
    # second assessor below) who reads what the assessor saw; only admins act on it.
    "cases:case": {"admin", "apprentice", "employer", "provider", "second_assessor"},
    "cases:review": STAFF,
    "cases:decide": STAFF,
    "cases:close": STAFF,
    "cases:amend": STAFF,
    # Scheduling proposals: the EPAO's admins only (issue 16 §5).
    "planner": STAFF,
    # A notice in the app is its recipient's only (the employer below).
    "notifications:open": {"employer"},
    "notifications:read": {"employer"},
    # A prepared download is its requester's only (the admin below), not their colleagues'.
    "notifications:download": {"admin"},
    "notifications:download_file": {"admin"},
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


@pytest.fixture(scope="module")
def world(module_world):
    """One world for the module: its GETs write nothing but sessions and sign-in records,
    and each test (its POSTs included) runs in a savepoint rolled back at its end."""
    return module_world


@pytest.fixture(scope="module")
def objects(world, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, int | str]]:
    uploads = tmp_path_factory.mktemp("evidence")
    with (
        rolled_back_at_module_end(django_db_blocker),
        override_settings(OPENEPA_UPLOAD_ROOT=uploads),
    ):
        with django_db_blocker.unblock():
            found = _objects(world)
        yield found


@pytest.fixture(scope="module")
def sessions(world, objects, django_db_blocker) -> Iterator[dict[str, str | None]]:
    """Each persona signed in once for the module: its session's key (None for the anonymous
    visitor). Signing in and out around every request was two fifths of this module's time;
    a request a test makes runs in the test's savepoint, so whatever it changes in a session
    is back as it was for the next test."""
    keys: dict[str, str | None] = {}
    with rolled_back_at_module_end(django_db_blocker):
        with django_db_blocker.unblock():
            for persona, user in world.personas().items():
                if user is None:
                    keys[persona] = None
                    continue
                client = Client()
                client.force_login(user)
                keys[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield keys


def signed_in(sessions: dict[str, str | None]) -> dict[str, Client]:
    """A client of the test's own for each persona, signed in with the module's session."""
    clients = {}
    for persona, key in sessions.items():
        clients[persona] = Client()
        if key is not None:
            clients[persona].cookies[settings.SESSION_COOKIE_NAME] = key
    return clients


def _objects(world) -> dict[str, int | str]:
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
        no_conflict_confirmed_at=now,  # accepted, so its sheet opens
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
    document = GatewayItem.objects.create(
        enrolment=enrolment,
        task="gateway_meeting_record",
        kind=GatewayItem.Kind.DOCUMENT,
        number=1,
        created_by=world.provider_user,
        title="Gateway meeting record",
        original_name="record.pdf",
        stored_name=evidence_storage().save("cd/record.pdf", ContentFile(b"%PDF-1.7 record")),
        content_type="application/pdf",
        size=15,
    )
    stored = evidence_storage().save("ab/evidence.pdf", ContentFile(b"%PDF-1.7 matrix"))
    evidence = EvidenceFile.objects.create(
        enrolment=enrolment,
        title="Customer feedback log",
        original_name="feedback.pdf",
        stored_name=stored,
        content_type="application/pdf",
        size=15,
        sha256="0" * 64,
        uploaded_by=world.provider_user,
    )
    batch = ExportBatch.objects.create(
        epao=enrolment.epao,
        created_by=world.admin,
        kind="certificate",
        format="json",
        record_count=0,
        payload="[]\n",
    )
    message = OutboxMessage.objects.create(
        kind="gateway_rejected",
        key="matrix",
        recipient="erin@harbour.example",
        subject="Gateway not accepted",
        text_body="Reasons",
        html_body="<p>Reasons</p>",
        enrolment=enrolment,
        state=OutboxMessage.State.FAILED,
    )
    # The email's notice in the app is its recipient's alone (issue 17 §6).
    notice = InAppNotice.objects.create(
        user=world.employer_user, message=message, kind=message.kind, title=message.subject,
        url=f"/enrolments/{enrolment.pk}/",
    )  # fmt: skip
    # A download prepared in the background, asked for by the admin (still waiting: its
    # file's address sends the requester to its page).
    download = PreparedDownload.objects.create(
        user=world.admin, source="pipeline", fmt="csv", title="Pipeline", filename="pipeline.csv"
    )
    bulk_upload = BulkUpload.objects.create(
        uploaded_by=world.provider_user,
        epao=world.epao,
        standard=world.standard,
        filename="apprentices.csv",
        mode=BulkUpload.Mode.CHECK_ONLY,
        row_count=1,
        error_row_count=1,
        registered_count=0,
        rows=[[2, "123", "Ada Lovelace", [["uln", "ULN must be exactly 10 digits"]]]],
    )
    sample = IqaSample.objects.create(
        attempt=attempt, reason="new_assessor", explanation="decision 1 of 5", draw=0
    )
    profile = AssessorProfile.objects.get(user=world.assessor, epao=world.epao)
    availability = Availability.objects.create(
        profile=profile,
        starts_on=date(2026, 12, 24),
        ends_on=date(2026, 12, 31),
        created_by=world.assessor,
    )
    event = Attendance.objects.filter(profile=profile).select_related("event")[:1].get().event
    declaration = ConflictDeclaration.objects.create(
        assessor=world.assessor, organisation=world.other_employer, description="Former employer"
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
        reviewer=world.second_assessor,
    )
    proposal = Proposal.objects.create(
        epao=world.epao,
        status=Proposal.Status.READY,
        first_day=timezone.localdate() + timedelta(days=1),
        last_day=timezone.localdate() + timedelta(days=28),
        created_by=world.admin,
    )
    line = ProposalLine.objects.create(
        proposal=proposal,
        key=f"e{enrolment.pk}-showcase",
        enrolment=enrolment,
        method="showcase",
        assessor=world.assessor,
        starts_at=now + timedelta(days=20),
        duration_minutes=60,
        remote=True,
    )
    return {
        "proposal_id": proposal.pk,
        "line_id": line.pk,
        "document_id": document.pk,
        "task": "gateway_meeting_record",
        "evidence_id": evidence.pk,
        "batch_id": batch.pk,
        "message_id": message.pk,
        "notice_id": notice.pk,
        "download_id": download.pk,
        "declaration_id": declaration.pk,
        "profile_id": profile.pk,
        "availability_id": availability.pk,
        "event_id": event.pk,
        "adjustment_id": adjustment.pk,
        "consideration_id": consideration.pk,
        "case_id": case.pk,
        "enrolment_id": enrolment.pk,
        "upload_id": bulk_upload.pk,
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
        "sample_id": sample.pk,
    }


def unmapped(url: ObjectUrl, objects: dict[str, int | str]) -> list[str]:
    return [p for p in url.parameters if p not in objects]


def url_for(url: ObjectUrl, objects: dict[str, int | str], *, missing: bool = False) -> str:
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
        sorted(GatewayItem.objects.values_list("pk", "withdrawn_at")),
        RequirementReview.objects.count(),
        PlanningMeeting.objects.count(),
        sorted(Booking.objects.values_list("pk", "status", "starts_at", "assessor_id")),
        sorted(Attempt.objects.values_list("pk", "status", "version")),
        sorted(Judgement.objects.values_list("pk", "outcome")),
        Amendment.objects.count(),
        sorted(OverallResult.objects.values_list("pk", "released_at")),
        sorted(EvidenceFile.objects.values_list("pk", "removed_at", "version")),
        EvidenceTag.objects.count(),
        ExportBatch.objects.count(),
        sorted(OutboxMessage.objects.values_list("pk", "state", "attempts")),
        sorted(InAppNotice.objects.values_list("pk", "read_at")),
        sorted(PreparedDownload.objects.values_list("pk", "state")),
        sorted(IqaSample.objects.values_list("pk", "state", "version")),
        IqaCriterionReview.objects.count(),
        sorted(AssessorProfile.objects.values_list("pk", "version")),
        sorted(Availability.objects.values_list("pk", "starts_on")),
        sorted(Attendance.objects.values_list("pk", "attended")),
        sorted(ConflictDeclaration.objects.values_list("pk", "withdrawn_at")),
        sorted(ReasonableAdjustment.objects.values_list("pk", "state", "version")),
        sorted(SpecialConsideration.objects.values_list("pk", "state", "version")),
        sorted(Case.objects.values_list("pk", "state", "version")),
        sorted(Proposal.objects.values_list("pk", "status", "version")),
        sorted(ProposalLine.objects.values_list("pk", "status", "starts_at")),
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
def test_get_answers_each_persona_as_the_allow_list_says(sessions, world, objects, url):
    address = url_for(url, objects)
    problems = []
    clients = signed_in(sessions)
    for persona, user in world.personas().items():
        client = clients[persona]
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


#: The SQL statements that change a table.
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def writes_in(queries: list[dict[str, str]]) -> list[str]:
    """The statements among `queries` that change a table (their first 120 characters)."""
    statements = (q["sql"].strip() for q in queries)
    return [sql[:120] for sql in statements if (sql.split(None, 1) or [""])[0] in WRITES]


@pytest.mark.parametrize("url", URLS, ids=lambda u: u.name)
def test_a_post_from_anyone_not_allowed_is_a_404_and_changes_nothing(sessions, world, objects, url):
    """Each refused POST runs no statement that writes, to any table (the session's and the
    sign-in log's included); and the rows a POST to these pages could write (`snapshot`) are
    the same after all of them as before."""
    address = url_for(url, objects)
    before = snapshot()
    problems = []
    clients = signed_in(sessions)
    for persona, user in world.personas().items():
        if persona in url.allowed:
            continue
        with CaptureQueriesContext(connection) as ran:
            response = clients[persona].post(
                address, {"reason": "Not mine to decide", "version": 1}
            )
        if user is None:
            ok, wanted = is_login_redirect(response), f"302 to {LOGIN}"
        else:
            # 405: a page that takes no POST at all, so nothing could be written.
            ok, wanted = response.status_code in (404, 405), "404"
        if not ok:
            problems.append(f"{persona}: got {response.status_code}, expected {wanted}")
        if written := writes_in(ran.captured_queries):
            problems.append(f"{persona}: the POST wrote: {written}")
    if snapshot() != before:
        problems.append("the POSTs changed data")
    assert not problems, f"POST {address} ({url.name}):\n  " + "\n  ".join(problems)


def test_a_write_in_a_post_is_named():
    ran = [
        {"sql": 'SELECT "x" FROM "enrolments_enrolment"'},
        {"sql": '  UPDATE "enrolments_enrolment" SET "state" = 1'},
        {"sql": 'INSERT INTO "enrolments_journeyevent" VALUES (1)'},
    ]
    assert writes_in(ran) == [
        'UPDATE "enrolments_enrolment" SET "state" = 1',
        'INSERT INTO "enrolments_journeyevent" VALUES (1)',
    ]
    assert writes_in([{"sql": 'SELECT "updated" FROM "t"'}]) == []


def test_a_parameter_with_no_object_is_reported_by_name(objects):
    url = ObjectUrl("gateway:example", ("enrolment_id", "widget_id"))
    assert unmapped(url, objects) == ["widget_id"]
    with pytest.raises(pytest.fail.Exception, match="takes widget_id, which the access matrix"):
        url_for(url, objects)


#: Pages with no object in their address, and who gets them (every EPAO's admins see their
#: own EPAO's data there); everyone else gets a 404 and anonymous visitors sign in.
PAGES: dict[str, set[str]] = {
    "/results/ofqual-returns/": {"admin", "outsider_admin"},  # the Ofqual data returns
    # Scheduling: each EPAO's admins plan their own EPAO (issue 16 §5, §6).
    "/scheduling/": {"admin", "outsider_admin"},
    "/scheduling/replan/": {"admin", "outsider_admin"},
    "/scheduling/outlook/": {"admin", "outsider_admin"},
}


@pytest.mark.parametrize("address", sorted(PAGES))
def test_a_page_without_an_object_answers_each_persona_as_listed(sessions, world, address):
    problems = []
    clients = signed_in(sessions)
    for persona, user in world.personas().items():
        response = clients[persona].get(address)
        if user is None:
            ok = is_login_redirect(response)
        else:
            ok = response.status_code == (200 if persona in PAGES[address] else 404)
        if not ok:
            problems.append(f"{persona}: got {response.status_code}")
    assert not problems, f"GET {address}:\n  " + "\n  ".join(problems)
