"""A trigram index on the sent emails' recipients (PostgreSQL only): the audit log narrowed
to a person matches the emails by `UPPER(recipient) LIKE '%WORD%'`, which otherwise reads
every sent email's row from the newest until a page of that person's is found. SQLite
searches the same way without it."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX IF NOT EXISTS outbox_sent_recipient_trgm ON notifications_outboxmessage
    USING gin (UPPER(recipient::text) gin_trgm_ops) WHERE state = 'sent'""",
]
DROP = ["DROP INDEX IF EXISTS outbox_sent_recipient_trgm"]


def _run(statements: list[str], schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:
            schema_editor.execute(statement)


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(CREATE, schema_editor)


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(DROP, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_ops_outbox_sent_index")]

    operations = [migrations.RunPython(create, drop)]
