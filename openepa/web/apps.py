from django.apps import AppConfig


class WebConfig(AppConfig):
    """Pages that belong to no single bounded context: home, layout, static assets."""

    name = "openepa.web"

    def ready(self) -> None:
        # The audit log's download source, for the worker too (which loads no URLs).
        from openepa.web import downloads  # noqa: F401
