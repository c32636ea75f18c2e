from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    """Marking sheets (attempts) and the assessor's judgement of each criterion."""

    name = "openepa.assessments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The booking rules read earlier marking through this without importing marking.
        from openepa.assessments import queries
        from openepa.bookings import hooks

        hooks.provide_attempt_history(queries)
