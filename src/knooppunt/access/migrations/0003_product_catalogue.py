from django.db import migrations

from knooppunt.access.catalogue import ensure_products


def create_products(apps, schema_editor):
    ensure_products(apps.get_model("access", "Product"))


class Migration(migrations.Migration):
    dependencies = [("access", "0002_initial")]
    operations = [migrations.RunPython(create_products, migrations.RunPython.noop)]
