from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    """Marking sheets (attempts) and the assessor's judgement of each criterion."""

    name = "openepa.assessments"
    default_auto_field = "django.db.models.BigAutoField"
