from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    """EPAOs, employers and providers (DESIGN.md §2 "Organisation")."""

    name = "openepa.organisations"
    default_auto_field = "django.db.models.BigAutoField"
