from django.apps import AppConfig


class QualityConfig(AppConfig):
    """Internal quality assurance: sampling decisions, the IQA's review and sign-off."""

    name = "openepa.quality"
    default_auto_field = "django.db.models.BigAutoField"
