"""The worker's task for bulk runs: work through the run's waiting rows. Run twice, it has
one effect: each row is finished in the transaction that acts on it (openepa.bulk.actions)."""

from __future__ import annotations

from django.tasks import task

from openepa.bulk.actions import work_through


@task()
def run_bulk(run_id: int) -> int:
    return work_through(run_id)
