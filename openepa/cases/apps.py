from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Reasonable adjustments, special considerations, enquiries about results and appeals."""

    name = "openepa.cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Bookings and marking show the approved arrangements without importing cases.
        from openepa.bookings.sections import BOOKING_PAGE
        from openepa.cases.queries import arrangements_section

        BOOKING_PAGE.add(arrangements_section)
