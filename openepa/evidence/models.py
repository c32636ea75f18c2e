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

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title
