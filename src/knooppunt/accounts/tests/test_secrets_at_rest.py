"""A dump of the database yields no second factor and no broker secret: the login code is a
keyed hash, authenticator keys and client secrets are encrypted (core.crypto) with keys that can
be rotated; the migration converts what was stored before."""

import base64
import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from knooppunt.accounts import services
from knooppunt.accounts.models import LoginCodeDevice, TOTPDevice
from knooppunt.audit.models import AuditEvent
from knooppunt.core import crypto
from knooppunt.eherkenning.models import Broker
from knooppunt.testing.factories import UserFactory


def raw(table: str, column: str, pk) -> str:
    """What a database dump shows: the column as stored."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def new_code(user) -> tuple[LoginCodeDevice, str]:
    with transaction.atomic():
        device = LoginCodeDevice.locked_for(user)
        return device, device.new_code("email")


@pytest.mark.django_db
def test_the_login_code_is_stored_as_a_keyed_hash_and_verifies_as_before(settings):
    user, other = UserFactory(), UserFactory()
    device, code = new_code(user)
    stored = raw("accounts_logincodedevice", "token", device.pk)
    assert code not in stored and len(stored) == 64
    # Keyed: without KNOOPPUNT_LOGIN_CODE_KEY the million codes cannot be tried against it,
    # and the same code of another user is stored differently.
    other_device = LoginCodeDevice.locked_for(other)
    assert other_device.code_hash(code) != stored
    settings.KNOOPPUNT_LOGIN_CODE_KEY = "another key"
    assert device.code_hash(code) != stored
    settings.KNOOPPUNT_LOGIN_CODE_KEY = settings.SECRET_KEY

    # The same semantics: right code once, then no more.
    device = LoginCodeDevice.objects.get(pk=device.pk)
    assert device.verify_token(code)
    assert not LoginCodeDevice.objects.get(pk=device.pk).verify_token(code)


@pytest.mark.django_db
def test_a_hashed_code_still_expires_and_is_spent_after_the_wrong_attempts(settings):
    user = UserFactory()
    device, code = new_code(user)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        assert not LoginCodeDevice.objects.get(pk=device.pk).verify_token(code)
    device, code = new_code(user)
    for _ in range(settings.KNOOPPUNT_LOGIN_CODE_ATTEMPTS):
        assert not LoginCodeDevice.objects.get(pk=device.pk).verify_token("000000")
    assert not LoginCodeDevice.objects.get(pk=device.pk).verify_token(code)


@pytest.mark.django_db
def test_an_authenticator_key_is_stored_encrypted():
    user = UserFactory()
    device = services.start_authenticator(None, user)
    stored = raw("accounts_totpdevice", "key", device.pk)
    secret = base64.b32encode(device.bin_key).decode()
    assert device.key not in stored and secret not in stored
    assert crypto.decrypt(stored) == device.key
    # django-otp's own table, which keeps keys in plain text, stays empty.
    assert raw_count("otp_totp_totpdevice") == 0
    assert TOTPDevice.objects.get(pk=device.pk).bin_key == device.bin_key


@pytest.mark.django_db
def test_a_broker_client_secret_is_stored_encrypted():
    broker = Broker.objects.create(
        naam="Testmakelaar",
        issuer="http://127.0.0.1:9000",
        client_id="knooppunt",
        client_secret="knooppunt-secret",
    )
    stored = raw("eherkenning_broker", "client_secret", broker.pk)
    assert "knooppunt-secret" not in stored
    assert Broker.objects.get(pk=broker.pk).client_secret == "knooppunt-secret"


def raw_count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_rotation_reencrypts_everything_with_the_first_key(settings):
    old, new = crypto.generate_key(), crypto.generate_key()
    settings.KNOOPPUNT_FIELD_KEYS = [old]
    device = services.start_authenticator(None, UserFactory())
    broker = Broker.objects.create(
        naam="M", issuer="http://127.0.0.1:9000", client_id="c", client_secret="geheim"
    )
    settings.KNOOPPUNT_FIELD_KEYS = [new, old]  # the new key in front, the old one still there
    call_command("rotate_field_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.KNOOPPUNT_FIELD_KEYS = [new]  # and now the old one can go
    assert TOTPDevice.objects.get(pk=device.pk).key == device.key
    assert Broker.objects.get(pk=broker.pk).client_secret == "geheim"
    event = AuditEvent.objects.get(action="secrets.rotate_keys")
    assert event.details == {"values": 2}


@pytest.mark.django_db
def test_moving_from_the_derived_key_to_a_key_of_its_own(settings):
    settings.KNOOPPUNT_FIELD_KEYS = []
    broker = Broker.objects.create(
        naam="M", issuer="http://127.0.0.1:9000", client_id="c", client_secret="geheim"
    )
    derived = crypto.derived_key()
    settings.KNOOPPUNT_FIELD_KEYS = [crypto.generate_key(), derived]
    call_command("rotate_field_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.KNOOPPUNT_FIELD_KEYS = settings.KNOOPPUNT_FIELD_KEYS[:1]
    settings.SECRET_KEY = "a new secret key that has nothing to do with the old one"
    assert Broker.objects.get(pk=broker.pk).client_secret == "geheim"


def test_without_keys_of_its_own_the_deploy_check_warns(settings):
    from knooppunt.core.checks import field_keys_of_their_own

    settings.KNOOPPUNT_FIELD_KEYS = []
    assert [w.id for w in field_keys_of_their_own(None)] == ["core.W002"]
    settings.KNOOPPUNT_FIELD_KEYS = [crypto.generate_key()]
    assert field_keys_of_their_own(None) == []


# --- the migration of what was stored before -------------------------------------------------

BEFORE = [
    ("accounts", "0004_login_security"),
    ("eherkenning", "0001_brokers_identities_registrations"),
]
AFTER = [("accounts", "0005_secrets_at_rest"), ("eherkenning", "0002_encrypt_client_secret")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_hashes_and_encrypts_what_was_stored_in_plain_text():
    user = UserFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO otp_totp_totpdevice (id, user_id, name, confirmed, key, step, t0, digits, "
            "tolerance, drift, last_t, throttling_failure_count, created_at) "
            "VALUES (7, %s, 'app', %s, %s, 30, 0, 6, 1, 0, -1, 0, %s)",
            [user.pk, True, "3132333435363738393031323334353637383930", now],
        )
        cursor.execute(
            "INSERT INTO accounts_logincodedevice (user_id, name, confirmed, token, valid_until, "
            "failed_attempts, channel) "
            "VALUES (%s, 'verificatiecode', %s, '123456', %s, 0, 'email')",
            [user.pk, True, now + datetime.timedelta(minutes=5)],
        )
        cursor.execute(
            "INSERT INTO eherkenning_broker (naam, issuer, client_id, client_secret, active, "
            "metadata, created_at, updated_at) "
            "VALUES ('M', 'http://127.0.0.1:9000', 'c', 'knooppunt-secret', %s, '{}', %s, %s)",
            [True, now, now],
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    # On to the latest schema, which the models below (and the tests after this one) expect.
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert raw_count("otp_totp_totpdevice") == 0
    stored_key = raw("accounts_totpdevice", "key", 7)
    assert "3132333435363738393031323334353637383930" not in stored_key
    device = TOTPDevice.objects.get(pk=7)  # the same id: a set-up in progress goes on
    assert device.key == "3132333435363738393031323334353637383930" and device.user == user
    assert services.start_authenticator(None, UserFactory()).pk > 7  # the id sequence moved on
    (code_device,) = LoginCodeDevice.objects.filter(user=user)
    assert "123456" not in code_device.token
    assert code_device.verify_token("123456")  # the open code still works
    broker = Broker.objects.get(naam="M")
    assert "knooppunt-secret" not in raw("eherkenning_broker", "client_secret", broker.pk)
    assert broker.client_secret == "knooppunt-secret"
