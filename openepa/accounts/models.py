"""Users sign in with their email address; what they may see comes from their memberships
(user × organisation × role, DESIGN.md §2) or, for an apprentice, their own record."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models

from openepa.organisations.models import Organisation


class Role(models.TextChoices):
    EPAO_ADMIN = "epao_admin", "EPAO admin"
    ASSESSOR = "assessor", "Independent end-point assessor"
    IQA = "iqa", "Internal quality assurer"
    EMPLOYER = "employer", "Employer"
    PROVIDER = "provider", "Training provider"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)
    #: How many of the user's in-app notices are unread, kept by the notifications context
    #: as it writes and marks them (openepa.notifications.notices), so the header shows the
    #: count with no query of its own; the notices page recounts and corrects it.
    unread_notices = models.PositiveIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    objects = UserManager()

    class Meta:
        # People listed by name a page at a time (the consistency report's assessors) are
        # read along this index, not all sorted for each page.
        indexes = [models.Index(fields=["full_name", "email", "id"], name="user_by_name")]

    def __str__(self) -> str:
        return self.full_name or self.email


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"


class AccountEvent(models.Model):
    """An append-only record of a sign-in (password or two-factor, succeeded or failed) or of
    a membership added or removed, for the EPAO's audit log (issue 17 §4). Who, what, when
    and from which address; never a password, a code or a token, nor an address typed at
    sign-in that belongs to no account (it may be a password typed in the wrong box)."""

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        TWO_FACTOR_PASSED = "two_factor_passed", "Two-factor code accepted"
        TWO_FACTOR_FAILED = "two_factor_failed", "Two-factor code refused"
        TWO_FACTOR_SET_UP = "two_factor_set_up", "Two-factor sign-in set up"
        MEMBERSHIP_ADDED = "membership_added", "Role given"
        MEMBERSHIP_REMOVED = "membership_removed", "Role taken away"

    at = models.DateTimeField()
    action = models.CharField(max_length=30, choices=Action.choices)
    #: Who acted: the person signing in, or whoever gave or took away a role (None: an
    #: operator at the command line, or a sign-in to no account).
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: Whose account it is about (None: a sign-in to an address with no account).
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="account_events"
    )
    #: The organisation of a membership given or taken away (None for a sign-in).
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["-at", "-id"], name="account_events_newest")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"
