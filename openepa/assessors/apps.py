from django.apps import AppConfig


class AssessorsConfig(AppConfig):
    """Assessor profiles, availability, standardisation and the consistency report."""

    name = "openepa.assessors"
    default_auto_field = "django.db.models.BigAutoField"
