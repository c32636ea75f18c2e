"""AssessorProfile, Availability, StandardisationEvent, Attendance and ProfileEvent.

What an EPAO records about each independent end-point assessor to show they meet the
assessment plan's requirements (seed 003 §6, §9): occupational competence, an assessor
qualification, regular standardisation; plus where and when they can assess."""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.db import models

from openepa.domain.allocation import Qualification
from openepa.organisations.models import Organisation

QUALIFICATION_CHOICES = [
    (Qualification.HELD.value, "Held"),
    (Qualification.WORKING_TOWARDS.value, "Working towards"),
    (Qualification.EXPERTISE.value, "Significant expertise in consistent judgements instead"),
    (Qualification.NONE.value, "None"),
]

#: England's nine regions (ONS International Territorial Level 1).
REGION_CHOICES = [
    ("north_east", "North East"),
    ("north_west", "North West"),
    ("yorkshire_humber", "Yorkshire and the Humber"),
    ("east_midlands", "East Midlands"),
    ("west_midlands", "West Midlands"),
    ("east_of_england", "East of England"),
    ("london", "London"),
    ("south_east", "South East"),
    ("south_west", "South West"),
]
REGION_NAMES = dict(REGION_CHOICES)


class AssessorProfile(models.Model):
    """One assessor at one EPAO. Edited by the EPAO's admins; the assessor sees it and
    keeps their own availability."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessor_profiles"
    )
    epao = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assessor_profiles"
    )
    #: Seed 003 §6: "current occupational competence of 2 years or more".
    competence_years = models.PositiveSmallIntegerField(default=0)
    competence_notes = models.TextField(blank=True)
    qualification = models.CharField(
        max_length=20, choices=QUALIFICATION_CHOICES, default=Qualification.NONE.value
    )
    qualification_name = models.CharField(max_length=200, blank=True)
    qualification_achieved_on = models.DateField(null=True, blank=True)
    qualification_expected_on = models.DateField(null=True, blank=True)
    #: Codes from REGION_CHOICES (a JSON list works the same on SQLite and PostgreSQL).
    regions = models.JSONField(default=list, blank=True)
    remote_capable = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    #: The weekly working pattern, {"0": {"start": "09:00", "end": "17:00", "break_start":
    #: "12:30", "break_end": "13:00"}, ...} by weekday (Monday "0"); a weekday absent is
    #: not worked. None: the product default (openepa.domain.diary.DEFAULT_PATTERN).
    working_pattern = models.JSONField(null=True, blank=True)
    #: Capacity; None: the product default (openepa.domain.diary.DEFAULT_CAPACITY).
    day_assessments = models.PositiveSmallIntegerField(null=True, blank=True)
    day_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    week_assessments = models.PositiveSmallIntegerField(null=True, blank=True)
    week_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    #: Optimistic lock for the admin's edit form.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "epao"], name="one_profile_per_epao"),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def region_names(self) -> list[str]:
        return [REGION_NAMES.get(code, code) for code in self.regions]


class Availability(models.Model):
    """A period the assessor is available or unavailable, both days included. Assessors
    are assumed available unless a period marks them unavailable; an unavailable period
    wins over an available one that overlaps it."""

    profile = models.ForeignKey(
        AssessorProfile, on_delete=models.CASCADE, related_name="availability"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    available = models.BooleanField(default=False)
    #: A part day: only between these times on each day of the period (both or neither).
    #: Unavailable with times is a part day off; available with times is extra hours.
    from_time = models.TimeField(null=True, blank=True)
    to_time = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="availability_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        state = "available" if self.available else "unavailable"
        return f"{state} {self.starts_on} to {self.ends_on}"


class StandardisationEvent(models.Model):
    """A standardisation meeting the EPAO runs (seed 003 §7, §9: at least annually)."""

    epao = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="standardisation_events"
    )
    held_on = models.DateField()
    title = models.CharField(max_length=200)
    materials = models.TextField(blank=True, help_text="What was covered and the materials used")
    materials_link = models.URLField(blank=True)
    attendees = models.ManyToManyField(
        AssessorProfile, through="Attendance", related_name="standardisation_events"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.title} on {self.held_on:%d %b %Y}"


class Attendance(models.Model):
    """An assessor invited to a standardisation event, and whether they attended."""

    event = models.ForeignKey(
        StandardisationEvent, on_delete=models.CASCADE, related_name="attendance"
    )
    profile = models.ForeignKey(AssessorProfile, on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "profile"], name="attend_once"),
        ]

    def __str__(self) -> str:
        return f"{self.profile} at {self.event}"


class ProfileStep(StrEnum):
    """What a ProfileEvent records (stored in ProfileEvent.action: the values never change)."""

    CREATE = "create_profile"
    UPDATE = "update_profile"
    ADD_AVAILABILITY = "add_availability"
    REMOVE_AVAILABILITY = "remove_availability"
    UPDATE_DIARY = "update_diary"
    INVITE_STANDARDISATION = "invite_standardisation"
    RECORD_ATTENDANCE = "record_attendance"


class ProfileEvent(models.Model):
    """Append-only history of a profile: who changed what and when (profiles belong to no
    enrolment, so they keep their own record instead of a JourneyEvent)."""

    profile = models.ForeignKey(AssessorProfile, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=50)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        # The audit log reads them newest first, a page at a time, beside the journey events.
        indexes = [models.Index(fields=["at", "id"], name="profileevent_at_id")]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor}"


class LastStandardised(models.Model):
    """The latest standardisation each assessor profile attended (None: never), so the
    admin home finds the assessors whose standardisation lapses (seed 003 §9) among the
    few rows of one index range instead of looking up every assessor's attendances.

    Kept by the database itself (triggers added by migration 0004 on SQLite and
    PostgreSQL): every profile has its row from its creation, and every attendance written
    or removed, or event moved to another day, sets it again in the same transaction. A
    table of its own, so that saving a profile never writes back a stale date. Read only."""

    profile = models.OneToOneField(AssessorProfile, on_delete=models.CASCADE, related_name="+")
    epao = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    held_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["epao", "held_on"], name="last_standardised_by_epao")]

    def __str__(self) -> str:
        return f"{self.profile_id}: {self.held_on or 'never'}"
