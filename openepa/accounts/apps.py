from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People, their memberships of organisations and their roles."""

    name = "openepa.accounts"
    default_auto_field = "django.db.models.BigAutoField"
