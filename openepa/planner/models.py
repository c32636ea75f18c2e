"""Proposal and ProposalLine: a plan the optimiser made for an EPAO (or a re-plan after an
assessor cancels a day), each line one method's assessor, day and start time, kept with
its explanation and, once applied, what became of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openepa.assessors.models import REGION_NAMES
from openepa.bookings.models import METHOD_CHOICES, Booking
from openepa.enrolments.models import Enrolment
from openepa.organisations.models import Organisation


class Proposal(models.Model):
    class Kind(models.TextChoices):
        PLAN = "plan", "Plan"
        REPLAN = "replan", "Re-plan"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Working"
        READY = "ready", "Ready to review"
        FAILED = "failed", "Failed"
        APPLYING = "applying", "Booking the lines"
        APPLIED = "applied", "Applied"

    epao = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PLAN)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    #: Who applied the proposal: the bookings are theirs.
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_day = models.DateField()
    last_day = models.DateField()
    time_limit_s = models.PositiveSmallIntegerField(default=20)
    #: Re-planning: the assessor who cannot work on the day.
    cancelled_assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_day = models.DateField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.first_day} to {self.last_day}"


class ProposalLine(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        UNPLACED = "unplaced", "Not placed"
        DROPPED = "dropped", "Dropped"
        BOOKED = "booked", "Booked"
        REFUSED = "refused", "Refused"
        KEPT = "kept", "Not moved"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="lines")
    #: The engine's id of the method (e12-observation, or b34 for a booking re-planned).
    key = models.CharField(max_length=40)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=20, choices=METHOD_CHOICES)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField()
    remote = models.BooleanField(default=False)
    venue = models.CharField(max_length=300, blank=True)
    region = models.CharField(max_length=30, blank=True)
    why_assessor = models.TextField(blank=True)
    why_day = models.TextField(blank=True)
    #: Why the method was not placed (status unplaced).
    reason = models.TextField(blank=True)
    #: Re-planning: the booking this line moves (None for a new booking).
    moves = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: Re-planning: the booking was on the cancelled day (displaced) rather than moved to
    #: make room.
    displaced = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    outcome = models.TextField(blank=True)
    booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["proposal", "status", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.get_method_display()} ({self.get_status_display()})"

    def get_region_words(self) -> str:
        return REGION_NAMES.get(self.region, self.region)
