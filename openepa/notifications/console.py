"""The development mail backend: the worker prints one line per email it sends (recipient,
subject and attachments), not the whole message (issue 11 §2). The full text of every email
is on the admins' outbox page."""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from typing import Any, TextIO

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


def line_for(email: EmailMessage) -> str:
    files = [a[0] for a in email.attachments if isinstance(a, tuple)]
    attached = f" [{', '.join(str(f) for f in files)}]" if files else ""
    return f"Email to {', '.join(email.to)}: {email.subject}{attached}"


class OneLineBackend(BaseEmailBackend):
    def __init__(self, *args: Any, stream: TextIO | None = None, **kwargs: Any) -> None:
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()
        super().__init__(*args, **kwargs)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        with self._lock:
            for email in email_messages:
                self.stream.write(line_for(email) + "\n")
            self.stream.flush()
        return len(email_messages)
