from django.apps import AppConfig


class BookingsConfig(AppConfig):
    """Planning meetings, bookings of assessment methods, assessor allocation, conflicts."""

    name = "openepa.bookings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Its lists' download sources, for the worker too (which loads no URLs).
        from openepa.bookings import exports  # noqa: F401
