from django.apps import AppConfig


class EnrolmentsConfig(AppConfig):
    """Apprentices, their enrolments on a standard, and the journey of each enrolment."""

    name = "openepa.enrolments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Its lists' download sources, for the worker too (which loads no URLs).
        from openepa.enrolments import exports  # noqa: F401
