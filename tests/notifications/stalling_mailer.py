"""A mailer for a worker run in another process: it appends "start <to>" and "sent <to>"
to the file named by OPENEPA_TEST_MAIL_LOG, and with OPENEPA_TEST_MAIL_STALL=1 it hangs
between the two, as a send does when the worker is killed in the middle of it."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


def _log(line: str) -> None:
    with Path(os.environ["OPENEPA_TEST_MAIL_LOG"]).open("a") as log:
        log.write(line + "\n")
        log.flush()


class StallingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        for email in email_messages:
            _log(f"start {email.to[0]}")
            if os.environ.get("OPENEPA_TEST_MAIL_STALL") == "1":
                time.sleep(600)  # killed long before this ends
            _log(f"sent {email.to[0]}")
        return len(email_messages)
