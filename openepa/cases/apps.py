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

        # An enquiry or appeal's reviewer and panel open the apprentice's gateway documents.
        from openepa.cases.queries import reviews_the_enrolment
        from openepa.gateway.hooks import add_document_reader

        add_document_reader(reviews_the_enrolment)

        # Its lists' download sources, for the worker too (which loads no URLs).
        from openepa.cases import exports  # noqa: F401
