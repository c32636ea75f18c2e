"""A list's download too long to stream is prepared in the background (openepa.core.downloads,
openepa.notifications.prepared): the GET answers a page offering to prepare it and creates
nothing; the POST records it and queues the worker after commit; the worker writes the rows
the stream would have held, as the user who asked, to the default storage and sends them a
notice; only they reach its page and file; the daily work deletes it after its days."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openepa.accounts.models import Membership, Role
from openepa.notifications.models import InAppNotice, PreparedDownload
from openepa.notifications.tasks import prepare_download, send_reminders
from tests.enrolments.helpers import add_apprentice
from tests.exports.helpers import csv_rows, xlsx_rows
from tests.personas import person
from tests.results.builders import submit

pytestmark = pytest.mark.django_db

PIPELINE = "/enrolments/pipeline"
PREPARE = "/notifications/downloads/prepare/"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def crowd(world):
    """Seven apprentices of the admin's EPAO (eight with the world's own) and one of
    another EPAO, which no download of this EPAO may hold."""
    people = [add_apprentice(world, given=f"Person{i}", family=f"Crowd{i:02}") for i in range(7)]
    add_apprentice(
        world,
        actor=world.outsider_admin,
        epao=world.other_epao,
        employer=world.other_employer,
        provider=world.other_provider,
        given="Alan",
        family="Crowd50",
    )
    return people


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def streamed(user, settings, url: str, params: dict[str, str]):
    """The download as it streams when the limit is far above it."""
    limit = settings.OPENEPA_DOWNLOAD_NOW_ROWS
    settings.OPENEPA_DOWNLOAD_NOW_ROWS = 10_000
    response = signed_in(user).get(url, params)
    settings.OPENEPA_DOWNLOAD_NOW_ROWS = limit
    assert response.get("Content-Disposition", "").startswith("attachment")
    return response


def ask(client: Client, page, django_capture_on_commit_callbacks) -> PreparedDownload:
    """Press "Prepare the download" on the page the GET answered with; the worker's task is
    queued after the commit and not run yet."""
    fields = dict(
        re.findall(r'<input type="hidden" name="(source|fmt|query)" value="([^"]*)">', page)
    )
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(PREPARE, {k: v.replace("&amp;", "&") for k, v in fields.items()})
    download = PreparedDownload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/notifications/downloads/{download.pk}/"
    assert len(queued) == 1  # prepare_download, once the record committed
    return download


def pipeline_asked(world, settings, django_capture_on_commit_callbacks):
    """The admin, signed in, asks for the whole pipeline as CSV with the limit below it; the
    download is recorded and its task queued, not run."""
    settings.OPENEPA_DOWNLOAD_NOW_ROWS = 3
    admin = signed_in(world.admin)
    page = admin.get(f"{PIPELINE}.csv").content.decode()
    return admin, ask(admin, page, django_capture_on_commit_callbacks)


def run_worker(download: PreparedDownload, settings) -> str:
    """The worker's task, as the tests run tasks (Django's ImmediateBackend)."""
    settings.TASKS = IMMEDIATE
    return str(prepare_download.enqueue(download.pk).return_value)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_list_at_the_limit_streams_as_before(world, crowd, settings, fmt):
    settings.OPENEPA_DOWNLOAD_NOW_ROWS = 8  # the admin's EPAO has eight apprentices
    response = signed_in(world.admin).get(f"{PIPELINE}.{fmt}")
    rows = (csv_rows if fmt == "csv" else xlsx_rows)(response)
    assert len(rows) == 1 + 8
    assert not PreparedDownload.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_long_list_is_prepared_in_the_background_with_the_rows_it_would_have_streamed(
    world, crowd, settings, django_capture_on_commit_callbacks, fmt
):
    settings.OPENEPA_DOWNLOAD_NOW_ROWS = 3
    filters = {"q": "crowd"}
    admin = signed_in(world.admin)
    page = admin.get(f"{PIPELINE}.{fmt}", filters)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Content-Disposition" not in page
    assert (
        "This download holds more than 3 rows, so it is prepared in the background. "
        "You will get a notice when it is ready." in html
    )
    assert "Prepare the download" in html
    assert not PreparedDownload.objects.exists()  # a GET creates nothing

    download = ask(admin, html, django_capture_on_commit_callbacks)
    assert (download.source, download.fmt, download.query) == ("pipeline", fmt, "q=crowd")
    assert download.state == PreparedDownload.State.QUEUED
    waiting = admin.get(f"/notifications/downloads/{download.pk}/").content.decode()
    assert "waiting to be prepared in the background" in waiting

    assert run_worker(download, settings) == "ready"
    download.refresh_from_db()
    assert download.state == PreparedDownload.State.READY
    assert default_storage.exists(download.name)
    assert download.size == default_storage.size(download.name)
    assert download.rows == 7  # the crowd of this EPAO, not the other EPAO's apprentice

    read = csv_rows if fmt == "csv" else xlsx_rows
    ready = admin.get(f"/notifications/downloads/{download.pk}/").content.decode()
    assert "Your download is ready: 7 rows" in ready
    file = admin.get(f"/notifications/downloads/{download.pk}/file")
    assert file["Content-Disposition"] == f'attachment; filename="pipeline.{fmt}"'
    assert read(file) == read(streamed(world.admin, settings, f"{PIPELINE}.{fmt}", filters))

    # Running the task again (a retry) leaves a ready download alone: one file, one notice.
    assert run_worker(download, settings) == "ready"
    again = PreparedDownload.objects.get(pk=download.pk)
    assert again.name == download.name
    assert InAppNotice.objects.filter(user=world.admin).count() == 1


def test_the_requester_gets_a_notice_linking_to_the_download(
    world, crowd, settings, django_capture_on_commit_callbacks
):
    admin, download = pipeline_asked(world, settings, django_capture_on_commit_callbacks)
    assert not InAppNotice.objects.filter(user=world.admin).exists()  # not before it is ready
    run_worker(download, settings)
    notice = InAppNotice.objects.get(user=world.admin)
    assert notice.title == "Your download is ready: Pipeline (CSV, 8 rows)"
    assert notice.url == f"/notifications/downloads/{download.pk}/"
    assert notice.message is None
    notices = admin.get("/notifications/").content.decode()
    assert "Your download is ready: Pipeline (CSV, 8 rows)" in notices
    assert "1 unread notice." in notices
    opened = admin.get(f"/notifications/{notice.pk}/").content.decode()
    assert "It was not emailed" in opened
    mine = admin.get("/notifications/downloads/").content.decode()
    assert f'href="/notifications/downloads/{download.pk}/">Pipeline (CSV)</a>' in mine


def test_only_the_requester_reaches_the_download(
    world, crowd, settings, django_capture_on_commit_callbacks
):
    _admin, download = pipeline_asked(world, settings, django_capture_on_commit_callbacks)
    run_worker(download, settings)
    colleague = person("second@northern.example", "Sam Second", world.epao, Role.EPAO_ADMIN)
    for other in (colleague, world.outsider_admin, world.employer_user, world.assessor):
        client = signed_in(other)
        assert client.get(f"/notifications/downloads/{download.pk}/").status_code == 404
        assert client.get(f"/notifications/downloads/{download.pk}/file").status_code == 404
        assert (
            f"/notifications/downloads/{download.pk}/"
            not in client.get("/notifications/downloads/").content.decode()
        )
    anonymous = Client().get(f"/notifications/downloads/{download.pk}/file")
    assert anonymous.status_code == 302
    assert "/login" in anonymous["Location"]


def test_someone_who_may_not_see_the_list_cannot_ask_for_it(world, crowd, settings):
    settings.OPENEPA_DOWNLOAD_NOW_ROWS = 3
    response = signed_in(world.outsider_employer).post(
        PREPARE, {"source": "pipeline", "fmt": "csv", "query": ""}
    )
    assert response.status_code == 404
    unknown = signed_in(world.admin).post(PREPARE, {"source": "secrets", "fmt": "csv"})
    assert "There is no such list to download." in unknown.content.decode()
    assert signed_in(world.admin).get(PREPARE).status_code == 405
    assert not PreparedDownload.objects.exists()


def test_asking_twice_while_it_waits_gives_the_one_download(
    world, crowd, settings, django_capture_on_commit_callbacks
):
    settings.OPENEPA_DOWNLOAD_NOW_ROWS = 3
    admin = signed_in(world.admin)
    page = admin.get(f"{PIPELINE}.csv").content.decode()
    first = ask(admin, page, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        admin.post(PREPARE, {"source": "pipeline", "fmt": "csv", "query": ""})
    assert PreparedDownload.objects.get() == first
    assert queued == []


def test_a_worker_that_died_while_preparing_is_followed_by_a_run_that_writes_it(
    world, crowd, settings, django_capture_on_commit_callbacks
):
    admin, download = pipeline_asked(world, settings, django_capture_on_commit_callbacks)
    PreparedDownload.objects.filter(pk=download.pk).update(
        state=PreparedDownload.State.PREPARING, started_at=timezone.now()
    )
    assert run_worker(download, settings) == "ready"
    assert len(csv_rows(admin.get(f"/notifications/downloads/{download.pk}/file"))) == 1 + 8


def test_a_requester_who_lost_the_role_gets_a_failed_download_not_the_rows(
    world, crowd, settings, django_capture_on_commit_callbacks
):
    admin, download = pipeline_asked(world, settings, django_capture_on_commit_callbacks)
    Membership.objects.filter(user=world.admin, role=Role.EPAO_ADMIN).delete()
    assert run_worker(download, settings) == "failed"
    download.refresh_from_db()
    assert download.name == ""
    assert download.rows is None
    page = admin.get(f"/notifications/downloads/{download.pk}/").content.decode()
    assert "This download could not be prepared. You may no longer see this list" in page
    notice = InAppNotice.objects.get(user=world.admin)
    assert notice.title == "Your download could not be prepared: Pipeline"


def test_the_daily_work_deletes_a_download_after_its_days(
    world, crowd, settings, django_capture_on_commit_callbacks
):
    admin, download = pipeline_asked(world, settings, django_capture_on_commit_callbacks)
    run_worker(download, settings)
    download.refresh_from_db()
    send_reminders(timezone.localdate())  # within its days: kept
    assert default_storage.exists(download.name)
    PreparedDownload.objects.filter(pk=download.pk).update(
        ready_at=timezone.now() - timedelta(days=settings.OPENEPA_DOWNLOAD_KEEP_DAYS, minutes=1)
    )
    send_reminders(timezone.localdate())
    assert not default_storage.exists(download.name)
    assert PreparedDownload.objects.get(pk=download.pk).state == PreparedDownload.State.EXPIRED
    page = admin.get(f"/notifications/downloads/{download.pk}/").content.decode()
    assert "This file was deleted 7 days after it was prepared." in page
    file = admin.get(f"/notifications/downloads/{download.pk}/file")
    assert file.status_code == 302
    assert file["Location"] == f"/notifications/downloads/{download.pk}/"


def test_the_whole_audit_log_is_prepared_with_the_entries_it_would_have_streamed(
    world, crowd, settings, django_capture_on_commit_callbacks
):
    # The audit log reads four tables; more than the limit across them is counted too.
    settings.OPENEPA_DOWNLOAD_NOW_ROWS = 5
    admin = signed_in(world.admin)
    page = admin.get("/audit/log.csv")
    assert "This download holds more than 5 rows" in page.content.decode()
    download = ask(admin, page.content.decode(), django_capture_on_commit_callbacks)
    run_worker(download, settings)
    rows = csv_rows(admin.get(f"/notifications/downloads/{download.pk}/file"))
    assert rows == csv_rows(streamed(world.admin, settings, "/audit/log.csv", {}))
    assert PreparedDownload.objects.get().rows == len(rows) - 1 > 5


CONSISTENCY = "/assessors/consistency.csv"


@pytest.fixture
def decided(world):
    """Ian's three showcase distinctions and Sue's three discussion passes: the report's
    two assessors, four lines each (overall and each method), eight lines in all."""
    for i in range(3):
        day = date(2026, 10, 1) + timedelta(days=i)
        submit(world.enrolment, "showcase", on=day, grade="distinction", assessor=world.assessor)
        submit(world.enrolment, "discussion", on=day, grade="pass", assessor=world.second_assessor)
    return world


def test_the_consistency_report_is_counted_four_lines_an_assessor(decided, settings):
    settings.OPENEPA_DOWNLOAD_NOW_ROWS = 8  # two assessors, four lines each: streamed
    response = signed_in(decided.iqa).get(CONSISTENCY)
    assert len(csv_rows(response)) == 1 + 8
    settings.OPENEPA_DOWNLOAD_NOW_ROWS = 7
    page = signed_in(decided.iqa).get(CONSISTENCY)
    assert "Content-Disposition" not in page
    assert "This download holds more than 7 rows" in page.content.decode()


def test_the_consistency_report_is_prepared_with_the_lines_it_would_have_streamed(
    decided, settings, django_capture_on_commit_callbacks
):
    settings.OPENEPA_DOWNLOAD_NOW_ROWS = 7
    iqa = signed_in(decided.iqa)
    page = iqa.get(CONSISTENCY).content.decode()
    download = ask(iqa, page, django_capture_on_commit_callbacks)
    assert (download.source, download.fmt) == ("assessor-consistency", "csv")
    assert run_worker(download, settings) == "ready"
    file = iqa.get(f"/notifications/downloads/{download.pk}/file")
    assert file["Content-Disposition"] == 'attachment; filename="assessor-consistency.csv"'
    rows = csv_rows(file)
    assert rows == csv_rows(streamed(decided.iqa, settings, CONSISTENCY, {}))
    assert PreparedDownload.objects.get().rows == len(rows) - 1 == 8
    overall = {row[1]: row for row in rows[1:] if row[2] == "overall"}
    assert overall["Ian Assessor"][3] == "3"  # decisions
    assert overall["Ian Assessor"][6] == "100%"  # distinction rate


def test_only_the_epaos_admins_and_iqas_may_have_the_consistency_report(decided, settings):
    settings.OPENEPA_DOWNLOAD_NOW_ROWS = 1
    for other in (decided.assessor, decided.employer_user, decided.outsider_employer):
        client = signed_in(other)
        assert client.get(CONSISTENCY).status_code == 404
        asked = client.post(PREPARE, {"source": "assessor-consistency", "fmt": "csv", "query": ""})
        assert asked.status_code == 404
    assert not PreparedDownload.objects.exists()
    # Another EPAO's admin is told of their own EPAO's assessors only.
    settings.OPENEPA_DOWNLOAD_NOW_ROWS = 10_000
    theirs = csv_rows(signed_in(decided.outsider_admin).get(CONSISTENCY))
    assert "Ian Assessor" not in {row[1] for row in theirs}


def test_with_an_object_store_the_file_is_written_to_the_bucket_and_deleted_from_it(
    world, crowd, settings, object_store, django_capture_on_commit_callbacks
):
    admin, download = pipeline_asked(world, settings, django_capture_on_commit_callbacks)
    run_worker(download, settings)
    download.refresh_from_db()
    assert object_store.keys() == [download.name]
    rows = csv_rows(admin.get(f"/notifications/downloads/{download.pk}/file"))
    assert rows == csv_rows(streamed(world.admin, settings, f"{PIPELINE}.csv", {}))
    PreparedDownload.objects.filter(pk=download.pk).update(
        ready_at=timezone.now() - timedelta(days=settings.OPENEPA_DOWNLOAD_KEEP_DAYS, minutes=1)
    )
    send_reminders(timezone.localdate())
    assert object_store.keys() == []


def test_the_list_of_downloads_is_bounded_and_its_queries_do_not_grow(world):
    admin = signed_in(world.admin)
    counts = []
    for wanted in (1, 50):
        while PreparedDownload.objects.count() < wanted:
            PreparedDownload.objects.create(
                user=world.admin, source="pipeline", fmt="csv", title="Pipeline",
                filename="pipeline.csv",
            )  # fmt: skip
        with CaptureQueriesContext(connection) as seen:
            html = admin.get("/notifications/downloads/").content.decode()
        counts.append(len(seen))
    assert counts[0] == counts[1]
    # The newest 25 of 50, each a link to its page (the navigation links to the list too).
    assert len(re.findall(r'href="/notifications/downloads/\d+/"', html)) == 25


def test_a_download_left_halfway_closes_its_rows_at_once_not_when_the_collector_runs():
    """A client that leaves a streamed download closes the response; the rows' source (a
    server-side cursor, on PostgreSQL) must be closed then, not by the cycle collector at a
    later moment inside another query of the same connection, which hung both web workers
    under load. The collector is off here, so only an explicit close can pass."""
    import gc

    from openepa.core.downloads import Listing
    from openepa.core.exports import Column

    closed: list[bool] = []

    def source():
        try:
            for n in range(100_000):
                yield {"n": n}
        finally:
            closed.append(True)

    listing = Listing(
        filename="numbers",
        title="Numbers",
        columns=[Column("Number", lambda row: row["n"])],
        rows=source(),
        counted=(),
    )
    gc.disable()
    try:
        response = listing.response("csv")
        first = next(iter(response))
        assert first.startswith("\ufeffNumber".encode())
        response.close()
        assert closed == [True]
    finally:
        gc.enable()
    assert listing.rows_read >= 1
