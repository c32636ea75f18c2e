from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Reasonable adjustments, special considerations, enquiries about results and appeals."""

    name = "openepa.cases"
    default_auto_field = "django.db.models.BigAutoField"
