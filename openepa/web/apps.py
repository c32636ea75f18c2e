from django.apps import AppConfig


class WebConfig(AppConfig):
    """Pages that belong to no single bounded context: home, layout, static assets."""

    name = "openepa.web"
