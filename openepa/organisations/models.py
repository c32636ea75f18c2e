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
    #: The named contact and postal address (issue 13): an employer's is where its
    #: apprentices' certificates go unless an enrolment says otherwise.
    contact_name = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    address_line1 = models.CharField("address line 1", max_length=200, blank=True)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    address_line3 = models.CharField("address line 3", max_length=200, blank=True)
    city = models.CharField("city or town", max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    #: UK Provider Reference Number (8 digits): a provider's, and an EPAO's own, which the
    #: assessment service reads from the EPAO's API subscription.
    ukprn = models.CharField("UKPRN", max_length=8, blank=True)
    #: The EPAO's number on the register of end-point assessment organisations (EPA0001).
    register_id = models.CharField("EPAO register number", max_length=7, blank=True)

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
