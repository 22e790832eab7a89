"""Brokers' client secrets encrypted at rest (core.crypto): the column becomes text (a Fernet
token is longer than the secret) and every stored secret is encrypted. Raw SQL, because the
historical model's field would already try to decrypt the plain text it reads."""

from django.db import migrations

import knooppunt.core.fields


def _rows(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, client_secret FROM eherkenning_broker")
        return cursor.fetchall()


def _write(schema_editor, pk, value):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("UPDATE eherkenning_broker SET client_secret = %s WHERE id = %s", [value, pk])


def encrypt(apps, schema_editor):
    from knooppunt.core import crypto

    for pk, value in _rows(schema_editor):
        if value and not crypto.is_encrypted(value):
            _write(schema_editor, pk, crypto.encrypt(value))


def decrypt(apps, schema_editor):
    from knooppunt.core import crypto

    for pk, value in _rows(schema_editor):
        if value and crypto.is_encrypted(value):
            _write(schema_editor, pk, crypto.decrypt(value))


class Migration(migrations.Migration):
    dependencies = [("eherkenning", "0001_brokers_identities_registrations")]

    operations = [
        migrations.AlterField(
            model_name="broker",
            name="client_secret",
            field=knooppunt.core.fields.EncryptedTextField(verbose_name="client secret"),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
