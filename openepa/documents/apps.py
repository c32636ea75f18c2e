from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """The PDFs of a result: statement of results, record of achievement, fail letter and
    the EPA feedback report (seed 000 §3, seed 002)."""

    name = "openepa.documents"
    default_auto_field = "django.db.models.BigAutoField"
