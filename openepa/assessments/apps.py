from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    """Marking sheets (attempts) and the assessor's judgement of each criterion."""

    name = "openepa.assessments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The booking rules read earlier marking through this without importing marking.
        from openepa.assessments import queries
        from openepa.assessments.actions import record_missed_attempt
        from openepa.bookings import hooks

        hooks.provide_attempt_history(queries)
        # The admin's decision that a missed assessment counts records a failed sheet.
        hooks.provide_missed_attempt(record_missed_attempt)
