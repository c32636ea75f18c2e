"""Database copies of the data files, so that journeys can point at a standard version,
a criterion and a policy with foreign keys. The files stay the source of truth; these rows
are refreshed by `manage.py load_reference_data` (run by `make run`)."""

from __future__ import annotations

from django.db import models


class StandardVersion(models.Model):
    reference = models.CharField(max_length=10)
    version = models.CharField(max_length=10)
    title = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField()
    assessment_plan = models.CharField(max_length=50)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the data file last loaded")
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reference", "version"], name="unique_standard_version")
        ]
        ordering = ["reference", "version"]

    def __str__(self) -> str:
        return f"{self.reference} v{self.version} {self.title}"


class Criterion(models.Model):
    standard = models.ForeignKey(StandardVersion, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(max_length=10)
    method = models.CharField(max_length=20)
    level = models.CharField(max_length=20)
    module = models.CharField(max_length=100)
    text = models.TextField()
    interaction_mode = models.CharField(max_length=20, blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="unique_criterion_code")
        ]
        ordering = ["standard", "position"]

    def __str__(self) -> str:
        return self.code


class Policy(models.Model):
    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    digest = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.name
