from django.apps import AppConfig


class GatewayConfig(AppConfig):
    """Gateway submissions, eligibility review, acceptance or rejection with reasons."""

    name = "openepa.gateway"
    default_auto_field = "django.db.models.BigAutoField"
