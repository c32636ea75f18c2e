"""access_* helpers: the only way a profile or a standardisation event reaches a view.
Anything outside the user's EPAO, or another assessor's profile, is a 404 — the same
answer as a missing id."""

from __future__ import annotations

from django.http import Http404

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.assessors.models import AssessorProfile, Availability, StandardisationEvent
from openepa.assessors.queries import profiles_with_availability


def access_profile(user: User, profile_id: int, *, admin_only: bool = False) -> AssessorProfile:
    """The profile for an admin of its EPAO or, unless `admin_only`, the assessor whose
    profile it is; else Http404."""
    roles = roles_of(user)
    profile = profiles_with_availability().filter(pk=profile_id).first()
    if profile is None:
        raise Http404("No such profile")
    admin = profile.epao_id in roles.orgs(Role.EPAO_ADMIN)
    own = profile.user_id == user.pk and profile.epao_id in roles.orgs(Role.ASSESSOR)
    if admin or (own and not admin_only):
        return profile
    raise Http404("No such profile")


def access_availability(user: User, availability_id: int) -> Availability:
    entry = Availability.objects.filter(pk=availability_id).first()
    if entry is None:
        raise Http404("No such availability")
    access_profile(user, entry.profile_id)
    return entry


def access_event(user: User, event_id: int, *, admin_only: bool = False) -> StandardisationEvent:
    """The event for its EPAO's admins, IQAs and (to read the materials) the assessors
    invited to it, unless `admin_only`; else Http404."""
    roles = roles_of(user)
    event = StandardisationEvent.objects.select_related("epao").filter(pk=event_id).first()
    if event is None:
        raise Http404("No such event")
    if event.epao_id in roles.orgs(Role.EPAO_ADMIN):
        return event
    if not admin_only:
        if event.epao_id in roles.orgs(Role.IQA):
            return event
        if (
            event.epao_id in roles.orgs(Role.ASSESSOR)
            and event.attendance.filter(profile__user_id=user.pk).exists()
        ):
            return event
    raise Http404("No such event")
