from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Emails at each step of the journey, recorded in an outbox and sent by the worker."""

    name = "openepa.notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from openepa.accounts.mail import provide_account_mail
        from openepa.enrolments.journey import subscribe
        from openepa.notifications.account_emails import OutboxAccountMail
        from openepa.notifications.subscriptions import queue_emails

        subscribe(queue_emails)
        provide_account_mail(OutboxAccountMail())
