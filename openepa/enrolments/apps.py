from django.apps import AppConfig


class EnrolmentsConfig(AppConfig):
    """Apprentices, their enrolments on a standard, and the journey of each enrolment."""

    name = "openepa.enrolments"
    default_auto_field = "django.db.models.BigAutoField"
