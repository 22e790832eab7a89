"""On PostgreSQL a trigram index makes the operator's substring search over all users fast
(pg_trgm is a trusted extension since PostgreSQL 13). SQLite has no such index; there the
search reads the covering b-tree indexes instead."""

from django.db import migrations

INDEX = "um_text_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON usermanagement_usersearchindex "
        "USING gin (text gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("usermanagement", "0002_index_existing_users")]

    operations = [migrations.RunPython(create, drop)]
