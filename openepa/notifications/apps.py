from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Emails at each step of the journey, recorded in an outbox and sent by the worker."""

    name = "openepa.notifications"
    default_auto_field = "django.db.models.BigAutoField"
