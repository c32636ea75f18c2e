"""Writes of accounts: the records of sign-ins for the audit log, and giving or taking away a
person's role at an organisation (a Membership), each recorded as an AccountEvent in the
same transaction (issue 17 §4: who, what, when; never a secret)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from openepa.accounts.models import AccountEvent, Membership, Role, User
from openepa.core.refusals import ActionRefused
from openepa.organisations.models import Organisation

Action = AccountEvent.Action


def client_address(request: HttpRequest) -> str | None:
    """The address the request came from, as the web server handed it to Django."""
    return request.META.get("REMOTE_ADDR") or None


def _record(
    action: str,
    *,
    actor: User | None,
    user: User | None,
    ip_address: str | None = None,
    organisation: Organisation | None = None,
    role: str = "",
) -> AccountEvent:
    return AccountEvent.objects.create(
        at=timezone.now(),
        action=action,
        actor=actor,
        user=user,
        ip_address=ip_address,
        organisation=organisation,
        role=role,
    )


def do_record_sign_in(*, user: User, ip_address: str | None) -> AccountEvent:
    """The user's email and password were right (two-factor, where asked, comes next)."""
    return _record(Action.SIGN_IN, actor=user, user=user, ip_address=ip_address)


def do_record_failed_sign_in(*, email: str, ip_address: str | None) -> AccountEvent | None:
    """A sign-in refused. Recorded against the account whose address was typed; an address
    that belongs to no account is not kept (what was typed may be a password in the wrong
    box), so such a sign-in reaches no EPAO's log."""
    user = User.objects.filter(email__iexact=email.strip()).first() if email else None
    if user is None:
        return None
    return _record(Action.SIGN_IN_FAILED, actor=user, user=user, ip_address=ip_address)


def do_record_two_factor(
    *, user: User, passed: bool, set_up: bool, ip_address: str | None
) -> AccountEvent:
    """A two-factor code entered: accepted (and, the first time, the app set up) or refused.
    The code itself is never kept."""
    if passed and set_up:
        action = Action.TWO_FACTOR_SET_UP
    else:
        action = Action.TWO_FACTOR_PASSED if passed else Action.TWO_FACTOR_FAILED
    return _record(action, actor=user, user=user, ip_address=ip_address)


def do_add_membership(
    *, actor: User | None, email: str, organisation_id: int, role: str
) -> Membership:
    """Give the person with this address `role` at the organisation. `actor` is who gave
    it (None: an operator at the command line)."""
    if role not in Role.values:
        raise ActionRefused(f"There is no role “{role}”.", field="role")
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email.strip()).first()
        if user is None:
            raise ActionRefused(f"No account has the address {email}.", field="email")
        organisation = Organisation.objects.get(pk=organisation_id)
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation, role=role
        )
        if not created:
            raise ActionRefused(
                f"{user.full_name} is already {Role(role).label} at {organisation.name}."
            )
        _record(
            Action.MEMBERSHIP_ADDED,
            actor=actor,
            user=user,
            organisation=organisation,
            role=role,
        )
    return membership


def do_remove_membership(
    *, actor: User | None, email: str, organisation_id: int, role: str
) -> None:
    """Take `role` at the organisation away from the person with this address."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("user", "organisation")
            .filter(user__email__iexact=email.strip(), organisation_id=organisation_id, role=role)
            .first()
        )
        if membership is None:
            raise ActionRefused(f"{email} has no such role at that organisation.")
        user, organisation = membership.user, membership.organisation
        membership.delete()
        _record(
            Action.MEMBERSHIP_REMOVED,
            actor=actor,
            user=user,
            organisation=organisation,
            role=role,
        )
