from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    """Showcase evidence uploaded by the apprentice's side: stored outside the web root and
    served only through access-checked downloads."""

    name = "openepa.evidence"
    default_auto_field = "django.db.models.BigAutoField"
