"""Starting a bulk run and working through its rows (issue 17 item 2).

A run is written with one row per chosen target in one transaction. A few rows are then
worked through in the request; more go to the worker (``tasks.run_bulk``, queued on
commit). Each row is its own transaction, holding the row's lock while the action runs, so a
row refused by a rule is reported with the rule's words and the others go on, and a run
picked up again (a second worker, a restart) skips what is finished: idempotent."""

from __future__ import annotations

import logging
from collections.abc import Collection

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from openepa.accounts.models import User
from openepa.bulk.models import BulkKind, BulkRow, BulkRun, Outcome
from openepa.bulk.operations import Operation, Outcomes, enrolment_of, operation
from openepa.core.refusals import ActionRefused

logger = logging.getLogger(__name__)

UNEXPECTED = "Not done: something went wrong on our side; the error is logged. Try it again from its own page."

#: Up to this many rows run in the request that starts them; more go to the worker.
IN_REQUEST = 5


def label_of(target: Model) -> str:
    apprentice = enrolment_of(target).apprentice
    return f"{apprentice} (ULN {apprentice.uln})"


def do_start_run(
    *, actor: User, kind: str, target_ids: Collection[int] | None, in_request: int = IN_REQUEST
) -> BulkRun:
    """Record the run and its rows: the chosen ids (only those within the admin's EPAOs),
    or every row waiting when ``target_ids`` is None ("all matching"). Refused when no row
    is left. Rows run in the request when there are at most ``in_request``, else in the
    worker after commit."""
    op = operation(kind)
    if target_ids is None:
        targets = list(op.waiting(actor))
    else:
        wanted = {int(i) for i in target_ids}
        found = {t.pk: t for t in op.scope(actor).filter(pk__in=wanted)}
        # Keep the list's order where the rows came from one list page.
        targets = [found[i] for i in sorted(found)]
    if not targets:
        raise ActionRefused(f"Choose at least one {op.noun}.", field="ids")
    # Certificate batches are per EPAO: the rows of one EPAO are kept together.
    targets.sort(key=lambda t: enrolment_of(t).epao_id)
    with transaction.atomic():
        run = BulkRun.objects.create(
            kind=op.kind,
            created_by=actor,
            row_count=len(targets),
            epao_ids=sorted({enrolment_of(t).epao_id for t in targets}),
            in_worker=len(targets) > in_request,
        )
        BulkRow.objects.bulk_create(
            BulkRow(
                run=run,
                position=n,
                target_id=t.pk,
                label=label_of(t)[:300],
                epao_id=enrolment_of(t).epao_id,
            )
            for n, t in enumerate(targets, start=1)
        )
        if run.in_worker:
            from openepa.bulk.tasks import run_bulk

            transaction.on_commit(lambda: run_bulk.enqueue(run.pk))
    if not run.in_worker:
        work_through(run.pk)
        run.refresh_from_db()
    return run


def work_through(run_id: int) -> int:
    """Act on every row of the run still waiting, chunk by chunk; mark the run finished.
    Returns how many rows this call finished."""
    run = BulkRun.objects.select_related("created_by").get(pk=run_id)
    op = operation(run.kind)
    finished = 0
    while True:
        chunk = _next_chunk(run, op)
        if not chunk:
            break
        done = _act(run, op, chunk)
        if not done:
            break  # another worker holds these rows: it finishes the run
        finished += done
    with transaction.atomic():
        locked = BulkRun.objects.select_for_update().get(pk=run_id)
        if locked.finished_at is None and not locked.rows.filter(outcome=Outcome.WAITING).exists():
            locked.finished_at = timezone.now()
            locked.save(update_fields=["finished_at"])
    return finished


def _next_chunk(run: BulkRun, op: Operation) -> list[int]:
    """The next waiting rows (one EPAO's, at most op.chunk), in order."""
    rows = list(
        run.rows.filter(outcome=Outcome.WAITING)
        .order_by("position")
        .values_list("pk", "epao_id")[: op.chunk]
    )
    if not rows:
        return []
    first_epao = rows[0][1]
    return [pk for pk, epao in rows if epao == first_epao]


def _act(run: BulkRun, op: Operation, row_ids: list[int]) -> int:
    """One transaction: lock the rows (skipping any another worker holds), run the action on
    their targets, write each row's outcome. A chunk refused as a whole is tried row by row,
    so one bad row never stops the rest."""
    with transaction.atomic():
        rows = list(
            BulkRow.objects.select_for_update(skip_locked=True)
            .filter(pk__in=row_ids, outcome=Outcome.WAITING)
            .order_by("position")
        )
        if not rows:
            return 0
        outcomes: Outcomes | None
        try:
            with transaction.atomic():
                outcomes = op.apply(run.created_by, [r.target_id for r in rows])
        except ActionRefused as refusal:
            outcomes = None if len(rows) > 1 else {rows[0].target_id: refusal.message}
        except Exception:
            if len(rows) > 1:
                outcomes = None
            else:
                # A fault, not a rule: logged for the developers; the row says so and the
                # run goes on rather than stopping every row after it.
                logger.exception("Bulk run %s: row %s failed", run.pk, rows[0].pk)
                outcomes = {rows[0].target_id: UNEXPECTED}
        if outcomes is not None:
            _finish(rows, outcomes)
            return len(rows)
    # Refused as a chunk: each row on its own.
    return sum(_act(run, op, [row.pk]) for row in rows)


def _finish(rows: list[BulkRow], outcomes: dict[int, str | None]) -> None:
    now = timezone.now()
    for row in rows:
        refusal = outcomes.get(row.target_id, "Not acted on.")
        row.outcome = Outcome.DONE if refusal is None else Outcome.REFUSED
        row.message = "" if refusal is None else refusal
        row.finished_at = now
    BulkRow.objects.bulk_update(rows, ["outcome", "message", "finished_at"])


__all__ = ["IN_REQUEST", "BulkKind", "do_start_run", "work_through"]
