from django.apps import AppConfig


class BulkConfig(AppConfig):
    """Bulk work (issue 17 item 2): an admin chooses rows of a list and acts on them all, each
    row through the same action as one by one, with a per-row report kept as BulkRun and
    BulkRow."""

    name = "openepa.bulk"
    default_auto_field = "django.db.models.BigAutoField"
