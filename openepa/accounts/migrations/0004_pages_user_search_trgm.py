"""Trigram indexes on the users' names and email addresses (PostgreSQL only): the audit
log's person filter ("Words of the name or email of the person who acted") looks the people
up by `UPPER(...) LIKE '%WORD%'` on either column before reading their records, and without
them read every user. SQLite searches the same way without them."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX IF NOT EXISTS user_full_name_trgm ON accounts_user
    USING gin (UPPER(full_name::text) gin_trgm_ops)""",
    """CREATE INDEX IF NOT EXISTS user_email_trgm ON accounts_user
    USING gin (UPPER(email::text) gin_trgm_ops)""",
]
DROP = ["DROP INDEX IF EXISTS user_full_name_trgm", "DROP INDEX IF EXISTS user_email_trgm"]


def _run(statements: list[str], schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:
            schema_editor.execute(statement)


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(CREATE, schema_editor)


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(DROP, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_ops_account_events")]

    operations = [migrations.RunPython(create, drop)]
