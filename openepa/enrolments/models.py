"""Apprentice, Enrolment and the append-only JourneyEvent (DESIGN.md §2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openepa.domain.journey import LABELS, State
from openepa.organisations.models import Organisation
from openepa.reference.models import Policy, StandardVersion


class Apprentice(models.Model):
    uln = models.CharField("ULN", max_length=10, unique=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    email = models.EmailField(blank=True)
    #: The apprentice's own login, once invited.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="apprentice",
    )

    class Meta:
        indexes = [models.Index(fields=["family_name", "given_name", "id"])]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def name(self) -> str:
        return str(self)


STATE_CHOICES = [(s.value, LABELS[s]) for s in State]


class Enrolment(models.Model):
    apprentice = models.ForeignKey(Apprentice, on_delete=models.PROTECT, related_name="enrolments")
    standard = models.ForeignKey(StandardVersion, on_delete=models.PROTECT)
    epao = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="epao_enrolments")
    employer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="employer_enrolments"
    )
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="provider_enrolments"
    )
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT)
    start_date = models.DateField()
    planned_end_date = models.DateField()
    face_to_face = models.BooleanField("face-to-face customer interaction", default=False)
    non_facing = models.BooleanField("non-facing customer interaction", default=False)
    ehcp = models.BooleanField("education, health and care plan or legacy statement", default=False)
    bsl = models.BooleanField(
        "British Sign Language is the apprentice's primary language", default=False
    )
    state = models.CharField(max_length=30, choices=STATE_CHOICES, default=State.REGISTERED.value)
    #: Set when gateway is accepted; anchors the EPA window (seed 004).
    gateway_accepted_on = models.DateField(null=True, blank=True)
    #: Set when the first assessment activity takes place; anchors Highfield's window (002).
    first_activity_on = models.DateField(null=True, blank=True)
    #: Set when a Fail is released; anchors the resit window (seed 000 §4).
    fail_notified_on = models.DateField(null=True, blank=True)
    #: The first start of a restarted apprenticeship: the national English and maths rule
    #: of 11 February 2025 counts the age at it. None when it has not restarted.
    original_start_date = models.DateField(null=True, blank=True)
    #: The employer's decision (with the apprentice) to keep English, and maths, in the
    #: training plan ("English and/or maths": each on its own); it matters for apprentices
    #: aged 19 or over at the start under the national rule of 11 February 2025. Who
    #: recorded it and when are kept beside it.
    english_in_training_plan = models.BooleanField(default=False)
    maths_in_training_plan = models.BooleanField(default=False)
    training_plan_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    training_plan_recorded_at = models.DateTimeField(null=True, blank=True)
    #: How many attempts of each assessment method the employer funds, first attempt
    #: included (seed 004: "up to the apprentice's employer how many attempts"); None when
    #: the employer has not said, and no limit is then enforced.
    funded_attempts = models.PositiveSmallIntegerField(null=True, blank=True)
    #: Whether further learning took place before the next resit or retake (seed 003 §8: a
    #: resit without it is at the employer's cost); None when not recorded.
    further_learning_before_resit = models.BooleanField(null=True, blank=True)
    attempts_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attempts_recorded_at = models.DateTimeField(null=True, blank=True)
    #: Bumped by every action; forms carry it so concurrent edits are detected.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    #: The apprentice's names, copied here by the database (triggers of migration 0011, on
    #: every insert, on a change of apprentice and whenever the apprentice's names change)
    #: so that a name search and its sort read the enrolments alone: joining each match
    #: to its apprentice was half the searched pipeline's SQL at 100,000 apprentices. Read
    #: them in queries only; a value in memory may predate the trigger that set it.
    family_name_copy = models.CharField(max_length=100, default="", editable=False)
    given_name_copy = models.CharField(max_length=100, default="", editable=False)

    class Meta:
        constraints = [
            # Duplicate ULN on the same standard is refused (issue 3); the database backs it.
            models.UniqueConstraint(
                fields=["apprentice", "standard"], name="one_enrolment_per_standard"
            ),
            models.CheckConstraint(
                condition=models.Q(face_to_face=True) | models.Q(non_facing=True),
                name="enrolment_has_interaction_mode",
            ),
        ]
        indexes = [
            models.Index(fields=["epao", "state"]),
            models.Index(fields=["epao", "employer", "state"]),
            models.Index(fields=["epao", "provider", "state"]),
            # A name search's counts by state: from the apprentices the trigram indexes
            # find to their enrolments' states, read from this index alone.
            models.Index(fields=["epao", "apprentice", "state"], name="enrolment_epao_appr_state"),
            # Resits and retakes due, by the date their window counts from (home pages); an
            # ascending index keeps nulls last, as the list orders them.
            models.Index(
                fields=["fail_notified_on", "id"],
                condition=models.Q(state=State.RESIT_DUE.value),
                name="enrolments_resit_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.apprentice} on {self.standard.reference}"

    @property
    def journey_state(self) -> State:
        return State(self.state)


class StateCount(models.Model):
    """How many of an EPAO's enrolments are in each state, so that the pipeline and the
    admin's home page read the counts in one small query whatever the EPAO's size.

    Kept by the database itself (triggers added by migration 0005 on SQLite and
    PostgreSQL): every insert, delete or change of state of an enrolment moves its count in
    the same transaction, whatever wrote it (an action, the bulk registration, the demo's
    generator), and concurrent transitions each add their own change under the row lock.
    Read only; never written by the application."""

    epao = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=30, choices=STATE_CHOICES)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["epao", "state"], name="one_count_per_epao_state")
        ]

    def __str__(self) -> str:
        return f"{self.state}: {self.n}"


class JourneyEvent(models.Model):
    """Append-only: who changed what, when, from which state to which, and why."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="events")
    # Indexed with the moment (journeyevent_actor_at_id) rather than alone.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=50)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        # The audit log reads the newest first, a page at a time (issue 17 §4), and so
        # narrowed to one kind: it walks the kind's own index from the newest, rather than
        # the whole log's filtered row by row (a rare kind was a scan of millions of events
        # at 100,000 apprentices). Narrowed to people, it walks each one's events from the
        # newest by the actor's index with the moment (the whole log's index passed
        # thousands of other people's first); narrowed to an apprentice, by the enrolment's.
        indexes = [
            models.Index(fields=["at", "id"], name="journeyevent_at_id"),
            models.Index(fields=["action", "at", "id"], name="journeyevent_action_at_id"),
            models.Index(fields=["actor", "at", "id"], name="journeyevent_actor_at_id"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.from_state}→{self.to_state}"


class BulkUpload(models.Model):
    """One CSV file of apprentices checked (and, as its mode says, registered) in one go:
    the per-row report the uploader reads and downloads (issue 4 item 5)."""

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", "Register every row, or nobody if any row has an error"
        VALID_ONLY = "valid_only", "Register the valid rows and leave out the rows with errors"
        CHECK_ONLY = "check_only", "Only check the file: register nobody"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    epao = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    standard = models.ForeignKey(StandardVersion, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255)
    mode = models.CharField(max_length=20, choices=Mode.choices)
    row_count = models.PositiveIntegerField()
    error_row_count = models.PositiveIntegerField()
    registered_count = models.PositiveIntegerField()
    #: One entry per row: [row number, ULN, name, [[column, message], ...]].
    rows = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.filename} ({self.row_count} rows)"

    @property
    def valid_row_count(self) -> int:
        return self.row_count - self.error_row_count
