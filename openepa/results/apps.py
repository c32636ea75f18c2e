from django.apps import AppConfig


class ResultsConfig(AppConfig):
    """Overall results, their release, and what follows a Fail."""

    name = "openepa.results"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Marking and IQA sign-off run these without importing results (one-way dependency).
        from openepa.assessments import hooks as marking
        from openepa.enrolments.links import list_result_documents
        from openepa.quality import hooks as quality
        from openepa.results.actions import compute_after_grading, sign_off_results
        from openepa.results.catalogue import documents_of

        marking.on_graded(compute_after_grading)
        quality.on_signed_off(sign_off_results)
        list_result_documents(documents_of)

        # Its lists' download sources, for the worker too (which loads no URLs).
        from openepa.results import exports  # noqa: F401
