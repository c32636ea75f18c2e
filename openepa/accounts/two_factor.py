"""Who must use two-factor authentication, and their TOTP device."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of

#: Roles that decide grades or see every apprentice of an EPAO (issue 6 security baseline).
TWO_FACTOR_ROLES = (Role.EPAO_ADMIN, Role.ASSESSOR, Role.IQA)


def requires_two_factor(user: User) -> bool:
    roles = roles_of(user)
    return any(roles.has(role) for role in TWO_FACTOR_ROLES)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


# First-time set-up needs more than the password (issue 11 §4): whoever holds only the
# password of an admin, assessor or IQA who has not yet set up two-factor could otherwise
# enrol their own authenticator app. The set-up is unlocked by a one-time link emailed to
# the account's address (through the outbox): it expires after OPENEPA_2FA_SETUP_LINK_MINUTES,
# works for the account it was sent to only, and once.

SETUP_SALT = "openepa.accounts.two-factor-setup"
SETUP_SESSION_KEY = "two_factor_setup_device"


class SetupLinkRefused(Exception):
    """The link cannot unlock the set-up; the message says why, in plain words."""


def _key_digest(device: TOTPDevice) -> str:
    return salted_hmac(SETUP_SALT, device.key, algorithm="sha256").hexdigest()[:24]


def fresh_pending_device(user: User) -> TOTPDevice:
    """A new unconfirmed device (a new secret) for a new link: an older link, or a secret
    shown before, unlocks nothing any more."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def setup_token(device: TOTPDevice) -> str:
    return TimestampSigner(salt=SETUP_SALT).sign_object(
        {"user": device.user_id, "device": device.pk, "key": _key_digest(device)}
    )


def use_setup_token(user: User, token: str) -> TOTPDevice:
    """The device the link unlocks for `user`, its secret replaced so that the link does
    not work a second time. Raises SetupLinkRefused."""
    max_age = timedelta(minutes=settings.OPENEPA_2FA_SETUP_LINK_MINUTES)
    try:
        data = TimestampSigner(salt=SETUP_SALT).unsign_object(token, max_age=max_age)
    except SignatureExpired:
        raise SetupLinkRefused(
            "This link has expired: set-up links work for "
            f"{settings.OPENEPA_2FA_SETUP_LINK_MINUTES} minutes. Ask for a new one below."
        ) from None
    except BadSignature:
        raise SetupLinkRefused("This link is not valid. Ask for a new one below.") from None
    if data.get("user") != user.pk:
        raise SetupLinkRefused(
            "This link was sent to another account. Sign in as the person it was sent to."
        )
    device = TOTPDevice.objects.filter(pk=data.get("device"), user=user, confirmed=False).first()
    if device is None or _key_digest(device) != data.get("key"):
        raise SetupLinkRefused("This link has been used already. Ask for a new one below.")
    device.key = random_hex(20)
    device.save(update_fields=["key"])
    return device


def unlocked_device(user: User, session: SessionBase) -> TOTPDevice | None:
    """The device this browser opened a set-up link for, if it is still to be confirmed."""
    device_id = session.get(SETUP_SESSION_KEY)
    if device_id is None:
        return None
    return TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
