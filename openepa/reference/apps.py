from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    """The standards and EPAO policies, loaded from the data files into the database."""

    name = "openepa.reference"
    default_auto_field = "django.db.models.BigAutoField"
