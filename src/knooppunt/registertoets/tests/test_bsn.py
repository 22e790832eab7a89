"""The BSN: the 11-proef, the keyed hash and the encryption; never stored in plain text."""

import hashlib
import hmac
import random

import pytest
from django.db import connection
from stdnum.nl import bsn as stdnum_bsn

from knooppunt.registertoets import bsn
from knooppunt.registertoets.models import Client

from .conftest import row


@pytest.mark.parametrize("value", ["111222333", "123456782", "999999990"])
def test_valid_bsns_pass_the_11_proef(value):
    assert bsn.is_valid(value)


@pytest.mark.parametrize(
    "value", ["123456789", "111222334", "000000000", "12345678", "1234567820", "12345678a", ""]
)
def test_invalid_bsns_fail(value):
    assert not bsn.is_valid(value)


def test_the_11_proef_agrees_with_python_stdnum_for_nine_digits():
    rng = random.Random(7)
    for _ in range(20_000):
        value = f"{rng.randrange(10**9):09d}"
        assert bsn.is_valid(value) == stdnum_bsn.is_valid(value), value


def test_the_keyed_hash_is_hmac_sha256_under_its_own_key(settings):
    settings.KNOOPPUNT_BSN_KEY = "een-sleutel"
    key = hmac.new(b"een-sleutel", b"knooppunt.registertoets.bsn", hashlib.sha256).digest()
    expected = hmac.new(key, b"111222333", hashlib.sha256).hexdigest()
    assert bsn.keyed_hash("111222333") == expected
    settings.KNOOPPUNT_BSN_KEY = "een-andere-sleutel"
    assert bsn.keyed_hash("111222333") != expected
    assert "111222333" not in expected


def test_the_register_stores_no_bsn_in_plain_text(register):
    register(row(bsn="111222333"))
    client = Client.objects.get()
    assert client.bsn == "111222333"  # decrypted by the field
    assert client.bsn_hash == bsn.keyed_hash("111222333")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registertoets_client")
        stored = " ".join(str(v) for v in cursor.fetchone())
    assert "111222333" not in stored
    assert bsn.decrypt(client._meta.get_field("bsn").get_db_prep_save("x", connection)) == "x"
