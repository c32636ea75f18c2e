"""A mailer that fails the way an unreachable SMTP server does."""

from __future__ import annotations

from collections.abc import Sequence
from smtplib import SMTPServerDisconnected
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        raise SMTPServerDisconnected("Connection unexpectedly closed")


BROKEN = {"default": {"BACKEND": "tests.notifications.broken_mailer.BrokenBackend"}}
WORKING = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
