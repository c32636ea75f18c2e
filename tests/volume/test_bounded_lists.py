"""The outbox, the certificate batches, the assessors list, the results awaiting release and
the IQA queue show at most a page, whatever
the EPAO holds, in no more queries on any page than with one row; their counts read at most
CAP + 1 rows (openepa.core.paging), and past it the page says "more than" (issue 15 §3)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openepa.accounts.models import Membership, Role, User
from openepa.assessors.views import PAGE_SIZE as ASSESSORS_PAGE
from openepa.certificates.models import ExportBatch
from openepa.certificates.views import PAGE_SIZE as BATCHES_PAGE
from openepa.core.paging import CappedPaginator
from openepa.notifications.models import OutboxMessage
from openepa.notifications.views import PAGE_SIZE as OUTBOX_PAGE
from openepa.quality.models import IqaSample
from openepa.quality.views import PAGE_SIZE as QUEUE_PAGE
from openepa.results.models import OverallResult
from openepa.results.views import PAGE_SIZE as RESULTS_PAGE
from tests.results.builders import another_enrolment, submit

pytestmark = pytest.mark.django_db


def outbox_rows(world, n: int) -> None:
    start = OutboxMessage.objects.count()
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            key=f"bench:{i}",
            kind="gateway_rejected",
            recipient=f"r{i}@bench.example",
            subject=f"Email {i}",
            epao=world.epao,
        )
        for i in range(start, start + n)
    )


def batch_rows(world, n: int) -> None:
    ExportBatch.objects.bulk_create(
        ExportBatch(
            epao=world.epao,
            created_by=world.admin,
            kind="certificate",
            format="csv",
            record_count=1,
            payload="",
        )
        for _ in range(n)
    )


def assessor_rows(world, n: int) -> None:
    start = User.objects.count()
    users = User.objects.bulk_create(
        User(email=f"assessor{i}@bench.example", full_name=f"Assessor {i:04d}")
        for i in range(start, start + n)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organisation=world.epao, role=Role.ASSESSOR) for u in users
    )


def result_rows(world, n: int) -> None:
    """n results awaiting release, each of its own enrolment, half of them overdue."""
    today = timezone.localdate()
    start = OverallResult.objects.count()
    for i in range(start, start + n):
        OverallResult.objects.create(
            enrolment=another_enrolment(world, i),
            grade="pass",
            methods={},
            last_component_on=today - timedelta(days=20),
            due_on=today - timedelta(days=1 if i % 2 else -5),
        )


def sample_rows(world, n: int) -> None:
    """n decisions waiting in the IQA queue, each of its own enrolment."""
    start = IqaSample.objects.count()
    for i in range(start, start + n):
        attempt = submit(
            another_enrolment(world, 1000 + i),
            "showcase",
            on=date(2026, 1, 5) + timedelta(days=i),
            assessor=world.assessor,
        )
        IqaSample.objects.create(
            attempt=attempt, reason="rate", explanation=f"draw {i}", draw=i, grade="pass"
        )


#: (page, its page size, rows to make, what each row of the list shows once)
LISTS = [
    ("/notifications/outbox/", OUTBOX_PAGE, outbox_rows, "@bench.example</"),
    (
        "/certificates/",
        BATCHES_PAGE,
        batch_rows,
        '<td class="govuk-table__cell" data-label="Kind">',
    ),
    ("/assessors/", ASSESSORS_PAGE, assessor_rows, ">Assessor 0"),
    ("/results/", RESULTS_PAGE, result_rows, 'data-label="Grade">'),
    ("/iqa/", QUEUE_PAGE, sample_rows, 'data-label="Why sampled">'),
]


def queries_for(client, url: str, marker: str) -> tuple[int, int]:
    """(queries run, rows of the list on the page) for one request."""
    with CaptureQueriesContext(connection) as run:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(run.captured_queries), response.content.decode().count(marker)


@pytest.mark.parametrize(("url", "size", "make", "marker"), LISTS)
def test_each_list_shows_a_page_at_most_in_no_more_queries_than_one_row_takes(
    world, client, url, size, make, marker
):
    client.force_login(world.admin)
    make(world, 1)
    one_page, one_row = queries_for(client, url, marker)
    assert one_row == 1
    make(world, size * 3)  # three pages and one row more
    first, rows = queries_for(client, url, marker)
    assert rows == size
    last, last_rows = queries_for(client, f"{url}?page=4", marker)
    assert last_rows == 1
    # No more queries than with one row (fewer on the assessors list when no row of the
    # page has a profile: the profiles' own queries are skipped).
    assert first <= one_page
    assert last <= one_page


def test_a_count_past_the_cap_reads_cap_plus_one_rows_and_says_more_than(world, client):
    outbox_rows(world, 130)
    paginator = CappedPaginator(OutboxMessage.objects.order_by("-id"), 50, cap=100)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (100, True, 2)
    with CaptureQueriesContext(connection) as run:
        assert CappedPaginator(OutboxMessage.objects.all(), 50, cap=100).found == 101
    (sql,) = [q["sql"] for q in run.captured_queries]
    assert "LIMIT 101" in sql
    assert CappedPaginator(OutboxMessage.objects.all(), 50, cap=200).capped is False
