from django.db import migrations

from knooppunt.access.catalogue import ensure_agreement_kinds


def create_kinds(apps, schema_editor):
    ensure_agreement_kinds(apps.get_model("organisations", "AgreementKind"))


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(create_kinds, migrations.RunPython.noop)]
