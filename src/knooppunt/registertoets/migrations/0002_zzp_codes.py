"""The iWlz COD163 code list (data/cod163.csv) into the database."""

from django.db import migrations


def load(apps, schema_editor):
    from knooppunt.registertoets.codes import load as load_codes

    load_codes(apps.get_model("registertoets", "Zorgzwaartepakket"))


class Migration(migrations.Migration):
    dependencies = [("registertoets", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
