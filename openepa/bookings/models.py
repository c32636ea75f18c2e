"""PlanningMeeting (with its PreferredSlots), Booking, AssessorSlot and ConflictDeclaration.

An assessor can never be double-booked: each active booking claims one AssessorSlot row per
five minutes it occupies, and (assessor, starts_at) is unique. The database refuses an
overlap on SQLite and PostgreSQL alike, even when two admins book at the same instant.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openepa.enrolments.models import Enrolment
from openepa.organisations.models import Organisation

SLOT_MINUTES = 5

METHOD_CHOICES = [
    ("showcase", "Apprentice showcase"),
    ("observation", "Practical observation"),
    ("discussion", "Professional discussion"),
]
KIND_CHOICES = [
    ("first", "First attempt"),
    ("resit", "Resit"),
    ("retake", "Retake"),
    # Seed 002: after a failed observation, a resit plus a discussion follow-up for criteria
    # whose situation did not arise.
    ("follow_up", "Discussion follow-up (carried-over criteria only)"),
]
#: Where the practical observation happens; remote ones need seed 002's equipment checks.
OBSERVATION_SETTINGS = [
    ("workplace", "In person at the workplace"),
    ("remote_desk", "Remote, desk-based"),
    ("remote_non_desk", "Remote, not desk-based"),
]

#: Why an assessment did not go ahead as booked (issue 16, item 4).
OUTCOME_CHOICES = [
    ("did_not_attend", "The apprentice did not attend"),
    ("could_not_go_ahead", "The assessment could not go ahead"),
]


class PlanningMeeting(models.Model):
    """The planning meeting (seed 000 §2.3): schedule, each method's requirements, the
    arrangements (access, facilities, resources), feedback, certification and appeals."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="planning_meetings"
    )
    held_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    arrangements = models.TextField(help_text="Access arrangements agreed")
    facilities = models.TextField(blank=True, help_text="Facilities agreed")
    resources = models.TextField(blank=True, help_text="Resources agreed")
    method_requirements_explained = models.BooleanField(default=False)
    feedback_certification_appeals_explained = models.BooleanField(default=False)
    #: How the observation will be held; the remote checks below depend on it (seed 002).
    observation_setting = models.CharField(
        max_length=20, choices=OBSERVATION_SETTINGS, default="workplace"
    )
    remote_camera = models.BooleanField(default=False)
    remote_microphone = models.BooleanField(default=False)
    remote_screen_sharing = models.BooleanField(default=False)
    remote_two_way_interaction = models.BooleanField(default=False)
    remote_private_room = models.BooleanField(default=False)
    remote_reliable_internet = models.BooleanField(default=False)
    remote_camera_person = models.BooleanField(default=False)
    #: Every check the observation setting needs was confirmed (set by the action).
    remote_observation_checked = models.BooleanField(
        default=False, help_text="Camera, microphone, screen sharing and a private room (seed 002)"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Planning meeting on {self.held_on:%d %b %Y}"


class PreferredSlot(models.Model):
    """A preferred date (and start time) for one method, agreed at the planning meeting
    (issue 16 §5): a wish the booking form shows and the optimiser honours when it can,
    never a rule a booking must meet."""

    meeting = models.ForeignKey(
        PlanningMeeting, on_delete=models.CASCADE, related_name="preferred_slots"
    )
    method = models.CharField(max_length=20, choices=METHOD_CHOICES)
    day = models.DateField()
    start = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["day", "start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "method"], name="one_preference_per_method")
        ]

    def __str__(self) -> str:
        at = f", {self.start:%H:%M}" if self.start else ""
        return f"{self.get_method_display()}: {self.day:%d %b %Y}{at}"


class Booking(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Completed"

    class Response(models.TextChoices):
        """The allocated assessor's answer to the allocation."""

        AWAITING = "awaiting", "Awaiting the assessor's answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="bookings")
    method = models.CharField(max_length=20, choices=METHOD_CHOICES)
    attempt_number = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=10, choices=KIND_CHOICES, default="first")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    remote = models.BooleanField(default=False)
    venue = models.CharField(max_length=200, blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessor_bookings"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    #: A rescheduled booking points at the one it replaced; the old row keeps its history.
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    no_conflict_confirmed_at = models.DateTimeField(null=True, blank=True)
    #: A retake needs further learning and the retake checklist (seed 002).
    retake_checklist_confirmed = models.BooleanField(default=False)
    further_learning_summary = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_reason = models.TextField(blank=True)
    #: The first booking of a reschedule chain (None: this booking is the first). Calendar
    #: events carry its id as their UID, so a calendar app updates the entry it has.
    series = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: How many times the chain was rescheduled before this booking (RFC 5545 SEQUENCE;
    #: a cancellation is one more).
    sequence = models.PositiveIntegerField(default=0)
    #: What the assessor recorded when the assessment did not take place as booked.
    outcome = models.CharField(max_length=20, choices=OUTCOME_CHOICES, blank=True)
    outcome_reason = models.TextField(blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    #: Accepting records the no-conflict confirmation (no_conflict_confirmed_at) too.
    response = models.CharField(max_length=10, choices=Response.choices, default=Response.AWAITING)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    #: Why the booking is back in the admin's queue to re-allocate (declined, unanswered,
    #: standardisation lapsing, a conflict declared); blank when it is not.
    reallocation_reason = models.TextField(blank=True)
    flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["assessor", "status", "starts_at"]),
            # The admin's queue to re-allocate and missed assessments to decide: a few rows
            # among every booking, each read in its list's order.
            models.Index(
                fields=["starts_at", "id"],
                condition=models.Q(status="active") & ~models.Q(reallocation_reason=""),
                name="bookings_to_reallocate",
            ),
            models.Index(
                fields=["outcome_recorded_at", "id"],
                condition=models.Q(status="active") & ~models.Q(outcome=""),
                name="bookings_missed_to_decide",
            ),
            # The admin home's count of allocations awaiting the assessor's answer: the
            # few upcoming ones, not every active booking.
            models.Index(
                fields=["starts_at", "id"],
                condition=models.Q(status="active", response="awaiting"),
                name="bookings_awaiting_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} on {self.starts_at:%d %b %Y %H:%M}"

    @property
    def series_id_or_own(self) -> int:
        """The id every calendar event of this booking's reschedule chain shares."""
        return self.series_id or self.pk


class AssessorSlot(models.Model):
    """Five minutes of an assessor's time claimed by an active booking."""

    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    starts_at = models.DateTimeField()
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="slots")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessor", "starts_at"], name="assessor_not_double_booked"
            ),
        ]

    def __str__(self) -> str:
        return f"assessor {self.assessor_id} at {self.starts_at:%Y-%m-%d %H:%M}"


class ConflictDeclaration(models.Model):
    """An assessor's declared relationship with an apprentice, employer or provider
    (seed 003 §6: no direct relationship with the apprentice)."""

    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conflicts"
    )
    apprentice = models.ForeignKey(
        "enrolments.Apprentice", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField()
    declared_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(apprentice__isnull=False) | models.Q(organisation__isnull=False),
                name="conflict_names_someone",
            )
        ]

    def __str__(self) -> str:
        return f"Conflict declared by {self.assessor}"


class CalendarFeed(models.Model):
    """A private iCalendar feed: one assessor's bookings, or a whole EPAO's for an admin.

    Calendar apps cannot sign in, so the URL's token is the secret. Only its SHA-256 hash
    is stored (a copy of the database does not reveal any feed); the token itself is an
    HMAC of the server's secret key and `nonce`, so its owner can see it again. A new nonce
    revokes the old token."""

    class Scope(models.TextChoices):
        ASSESSOR = "assessor", "My bookings"
        EPAO = "epao", "Every booking of the EPAO"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    epao = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    nonce = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "epao", "scope"], name="one_calendar_feed_per_scope"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} feed of {self.owner}"
