"""Secrets at rest (core.crypto). The login code's column holds a keyed hash instead of the code
(open codes are hashed in place), and the authenticator apps move from django-otp's table, which
keeps their keys in plain text, to accounts.TOTPDevice, which encrypts them; same ids, so a
set-up in progress goes on."""

import django.db.models.deletion
import django_otp.plugins.otp_totp.models
import knooppunt.core.fields
from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations, models

DEVICE_FIELDS = (
    "id", "user_id", "name", "confirmed", "throttling_failure_timestamp",
    "throttling_failure_count", "created_at", "last_used_at", "key", "step", "t0", "digits",
    "tolerance", "drift", "last_t",
)


def hash_open_codes(apps, schema_editor):
    from knooppunt.core import crypto

    Device = apps.get_model("accounts", "LoginCodeDevice")
    for device in Device.objects.exclude(token=None):
        if len(device.token) <= 16:  # a code, not yet a hash
            device.token = crypto.keyed_hash(device.token, context=f"login-code:{device.user_id}")
            device.save(update_fields=["token"])


def void_open_codes(apps, schema_editor):
    # A hash cannot be turned back into the code: an open login asks for a new code.
    apps.get_model("accounts", "LoginCodeDevice").objects.update(token=None)


def _move(source, target, schema_editor):
    for old in source.objects.order_by("id"):
        target.objects.create(**{name: getattr(old, name) for name in DEVICE_FIELDS})
        # created_at is auto_now_add: create() set it to now.
        target.objects.filter(pk=old.pk).update(created_at=old.created_at)
        old.delete()
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [target]):
            cursor.execute(statement)


def move_authenticators(apps, schema_editor):
    _move(apps.get_model("otp_totp", "TOTPDevice"), apps.get_model("accounts", "TOTPDevice"),
          schema_editor)


def move_authenticators_back(apps, schema_editor):
    _move(apps.get_model("accounts", "TOTPDevice"), apps.get_model("otp_totp", "TOTPDevice"),
          schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_login_security'),
        ('otp_totp', '0003_add_timestamps'),
    ]

    operations = [
        migrations.AlterField(
            model_name='logincodedevice',
            name='token',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.RunPython(hash_open_codes, void_open_codes),
        migrations.CreateModel(
            name='TOTPDevice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='The human-readable name of this device.', max_length=64)),
                ('confirmed', models.BooleanField(default=True, help_text='Is this device ready for use?')),
                ('throttling_failure_timestamp', models.DateTimeField(blank=True, default=None, help_text='A timestamp of the last failed verification attempt. Null if last attempt succeeded.', null=True)),
                ('throttling_failure_count', models.PositiveIntegerField(default=0, help_text='Number of successive failed attempts.')),
                ('created_at', models.DateTimeField(auto_now_add=True, help_text='The date and time when this device was initially created in the system.', null=True)),
                ('last_used_at', models.DateTimeField(blank=True, help_text='The most recent date and time this device was used.', null=True)),
                ('key', knooppunt.core.fields.EncryptedTextField(default=django_otp.plugins.otp_totp.models.default_key, help_text='A hex-encoded secret key of up to 40 bytes, stored encrypted.', validators=[django_otp.plugins.otp_totp.models.key_validator])),
                ('step', models.PositiveSmallIntegerField(default=30)),
                ('t0', models.BigIntegerField(default=0)),
                ('digits', models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)),
                ('tolerance', models.PositiveSmallIntegerField(default=1)),
                ('drift', models.SmallIntegerField(default=0)),
                ('last_t', models.BigIntegerField(default=-1)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='authenticators', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'authenticator-app',
                'verbose_name_plural': 'authenticator-apps',
                'abstract': False,
            },
        ),
        migrations.RunPython(move_authenticators, move_authenticators_back),
    ]
