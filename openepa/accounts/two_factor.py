"""Who must use two-factor authentication, and their TOTP device."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of

#: Roles that decide grades or see every apprentice of an EPAO (issue 6 security baseline).
TWO_FACTOR_ROLES = (Role.EPAO_ADMIN, Role.ASSESSOR, Role.IQA)


def requires_two_factor(user: User) -> bool:
    roles = roles_of(user)
    return any(roles.has(role) for role in TWO_FACTOR_ROLES)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up; made once, so a reload shows the same code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
