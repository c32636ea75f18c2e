"""What a signed-in user is: their roles and the organisations each role is held in.

Computed once per request (cached on the user object) so access checks and scoped queries
do not repeat the membership query."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser

from openepa.accounts.models import Role, User


@dataclass(frozen=True)
class Roles:
    by_role: dict[str, frozenset[int]] = field(default_factory=dict)
    apprentice_id: int | None = None

    def orgs(self, role: Role) -> frozenset[int]:
        return self.by_role.get(role.value, frozenset())

    def has(self, role: Role) -> bool:
        return bool(self.orgs(role))

    @property
    def is_apprentice(self) -> bool:
        return self.apprentice_id is not None

    @property
    def names(self) -> list[str]:
        names = [Role(r).label for r in self.by_role]
        return [*names, "Apprentice"] if self.is_apprentice else names


def roles_of(user: User | AnonymousUser) -> Roles:
    """The roles of `user` (anonymous users have none)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Roles()
    cached: Roles | None = getattr(user, "_openepa_roles", None)
    if cached is not None:
        return cached
    by_role: dict[str, set[int]] = {}
    for role, org_id in user.memberships.values_list("role", "organisation_id"):
        by_role.setdefault(role, set()).add(org_id)
    apprentice = getattr(user, "apprentice", None) if hasattr(user, "apprentice") else None
    roles = Roles(
        {r: frozenset(ids) for r, ids in by_role.items()}, apprentice.pk if apprentice else None
    )
    # Cached on the user object: one query per request however many checks read it.
    setattr(user, "_openepa_roles", roles)  # noqa: B010 (not a declared attribute of User)
    return roles


# "Who may" helpers shared by every context. They live here, not in openepa.core, because
# they read the user's memberships (an accounts model) and core imports no context; accounts
# is the bottom context every other one already depends on.


def is_epao_admin(user: User | AnonymousUser, epao_id: int) -> bool:
    """Whether `user` is an admin of the EPAO `epao_id`."""
    return epao_id in roles_of(user).orgs(Role.EPAO_ADMIN)


def is_epao_iqa(user: User | AnonymousUser, epao_id: int) -> bool:
    """Whether `user` is an internal quality assurer of the EPAO `epao_id`."""
    return epao_id in roles_of(user).orgs(Role.IQA)
