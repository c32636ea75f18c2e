"""The worker's tasks for the assessment service (issue 13 item 3). Each takes ids and can
run twice with one effect: a record is claimed ("sent") in the transaction that picks it,
so a second run finds nothing left to send.

- send_to_service(epao_id): sends every record that may go now (openepa.certificates.
  sending). When the service does not answer (timeout, no connection, 5xx) the task queues
  itself again after 1, 5, 25 ... minutes (OPENEPA_ASSESSMENT_SERVICE_RETRY_MINUTES × 5ⁿ)
  up to OPENEPA_ASSESSMENT_SERVICE_MAX_ATTEMPTS tries; the records wait "to send" with the
  reason shown. Refusals are never retried: they need a person.
- check_service(epao_id): asks the service what it holds for each apprentice OpenEPA sent
  records for, for the reconciliation page (openepa.certificates.reconcile).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from openepa.certificates import reconcile, sending

logger = logging.getLogger(__name__)


def retry_delay(attempt: int) -> timedelta:
    """1, 5, 25, ... minutes after the n-th try without an answer (n ≥ 1)."""
    return timedelta(minutes=settings.OPENEPA_ASSESSMENT_SERVICE_RETRY_MINUTES * 5 ** (attempt - 1))


@task()
def send_to_service(epao_id: int, attempt: int = 1) -> int:
    answered, error = sending.send_pending(epao_id)
    if error:
        logger.warning("Assessment service did not answer (try %s): %s", attempt, error)
        if attempt < settings.OPENEPA_ASSESSMENT_SERVICE_MAX_ATTEMPTS:
            run_after = timezone.now() + retry_delay(attempt)
            send_to_service.using(run_after=run_after).enqueue(epao_id, attempt=attempt + 1)
    return answered


@task()
def check_service(epao_id: int) -> int:
    return reconcile.check_all(epao_id)
