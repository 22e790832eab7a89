"""On PostgreSQL the rate-limit counters are an UNLOGGED table: they need not survive a crash,
and a call's counter UPSERT then commits without waiting for the write-ahead log to reach the
disk (docs/decisions.md). Elsewhere nothing changes."""

from django.db import migrations


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE "api_ratecounter" SET UNLOGGED')


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE "api_ratecounter" SET LOGGED')


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]
    operations = [migrations.RunPython(unlogged, logged)]
