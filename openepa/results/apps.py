from django.apps import AppConfig


class ResultsConfig(AppConfig):
    """Overall results, their release, and what follows a Fail."""

    name = "openepa.results"
    default_auto_field = "django.db.models.BigAutoField"
