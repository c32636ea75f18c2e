"""A piece of showcase evidence (seed 004: a portfolio of at most 20 pieces)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openepa.enrolments.models import Enrolment


class EvidenceFile(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField(max_length=200)
    #: The name it was uploaded with; offered again as the download's file name.
    original_name = models.CharField(max_length=255)
    #: A random name under OPENEPA_UPLOAD_ROOT; never derived from user input.
    stored_name = models.CharField(max_length=100, unique=True)
    #: Detected from the content (magic bytes), not taken from the browser.
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    #: Seed 002 (Highfield): the apprentice declares the work is their own and any use of
    #: AI tools is declared and referenced.
    ai_declaration = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: The showcase criteria OpenEPA suggested from the file's text when it was uploaded,
    #: best first (openepa.evidence.suggestions). Never a tag: a person chooses the tags.
    suggested = models.JSONField(default=list, blank=True)
    #: Bumped by every change of tags, so two people tagging at once cannot overwrite each
    #: other (core.refusals.check_version).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title


class EvidenceTag(models.Model):
    """A person's statement that a piece of evidence shows one showcase criterion."""

    evidence = models.ForeignKey(EvidenceFile, on_delete=models.CASCADE, related_name="tags")
    criterion_code = models.CharField(max_length=20)
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    tagged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["evidence_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "criterion_code"], name="evidence_tag_once_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return self.criterion_code
