from django.db import migrations


def create(apps, schema_editor):
    from knooppunt.aanvragen.catalogue import ensure

    ensure(apps.get_model("aanvragen", "BijlageSoort"), apps.get_model("aanvragen", "ChecklistItem"))


class Migration(migrations.Migration):
    dependencies = [("aanvragen", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
