from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    """Showcase evidence uploaded by the apprentice's side: stored outside the web root and
    served only through access-checked downloads."""

    name = "openepa.evidence"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Bookings, marking and the pages that check a decision show the showcase evidence
        # without importing this context.
        from openepa.bookings.sections import BOOKING_PAGE
        from openepa.enrolments.sections import DECISION_CHECK_PAGE
        from openepa.evidence.sections import showcase_booking_section, showcase_review_section

        BOOKING_PAGE.add(showcase_booking_section)
        DECISION_CHECK_PAGE.add(showcase_review_section)
