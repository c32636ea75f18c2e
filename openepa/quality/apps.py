from django.apps import AppConfig


class QualityConfig(AppConfig):
    """Internal quality assurance: sampling decisions, the IQA's review and sign-off."""

    name = "openepa.quality"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The marking context runs these without importing quality (one-way dependency).
        from openepa.assessments import hooks
        from openepa.assessments.sections import SUBMITTED_SHEET_PAGE
        from openepa.quality.access import may_amend_as_iqa
        from openepa.quality.queries import review_section
        from openepa.quality.sampling import sample_decision

        hooks.on_submitted(sample_decision)
        hooks.allow_amending(may_amend_as_iqa)
        SUBMITTED_SHEET_PAGE.add(review_section)

        # Its lists' download sources, for the worker too (which loads no URLs).
        from openepa.quality import exports  # noqa: F401
