from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    """Certificate requests and EPA records exported in the shape of the government's
    record-a-grade API, in batches, each result exported once."""

    name = "openepa.certificates"
    default_auto_field = "django.db.models.BigAutoField"
