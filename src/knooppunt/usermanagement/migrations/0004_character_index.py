"""On PostgreSQL an index of the characters each search text holds serves the operator's search
for one or two characters, which the trigram index cannot: `string_to_array(text, NULL)` splits
a text into its characters, and a GIN index over that array finds the rows that hold all the
characters of the term (usermanagement.search). About a quarter of the trigram index's size.

Built CONCURRENTLY (so outside a transaction), as it takes some seconds per hundred thousand
users and must not block the saves of users meanwhile."""

from django.db import migrations

INDEX = "um_text_chars_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON usermanagement_usersearchindex "
        "USING gin (string_to_array(text, NULL))"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("usermanagement", "0003_trigram_index")]

    operations = [migrations.RunPython(create, drop)]
