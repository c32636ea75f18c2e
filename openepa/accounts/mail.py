"""Emails about a person's own account (a password-reset link, a two-factor set-up link).

The accounts context writes them; the outbox that records and sends every email belongs to
openepa.notifications, which comes later in the journey. Notifications provides the sending
from its AppConfig.ready (openepa.notifications.account_emails), so the dependency points one
way (notifications → accounts), as the other hooks do (CONTRIBUTING.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from openepa.accounts.models import User

PASSWORD_RESET = "password_reset"
TWO_FACTOR_SETUP = "two_factor_setup"


class AccountMail(Protocol):
    def queue(self, *, user: User, kind: str, subject: str, text: str) -> None:
        """Write the email and send it once the current transaction commits."""
        ...

    def sent_since(self, *, user: User, kind: str, since: datetime) -> bool:
        """Whether an email of this kind was written to the person at or after `since`."""
        ...


_PROVIDED: list[AccountMail] = []


def provide_account_mail(mail: AccountMail) -> None:
    """Register the outbox that sends account emails (the notifications context, once)."""
    _PROVIDED[:] = [mail]


def account_mail() -> AccountMail:
    if not _PROVIDED:
        raise RuntimeError("openepa.notifications is not installed: no outbox for account emails")
    return _PROVIDED[0]
