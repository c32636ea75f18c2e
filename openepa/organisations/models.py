from __future__ import annotations

from django.db import models

from openepa.reference.models import Policy


class Organisation(models.Model):
    class Kind(models.TextChoices):
        EPAO = "epao", "End-point assessment organisation"
        EMPLOYER = "employer", "Employer"
        PROVIDER = "provider", "Training provider"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    #: The EPAO's rules; only an EPAO has one.
    policy = models.ForeignKey(Policy, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "name"], name="unique_organisation_name_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="epao", policy__isnull=False) | ~models.Q(kind="epao"),
                name="epao_has_policy",
            ),
        ]

    def __str__(self) -> str:
        return self.name
