"""The life cycle of a webservice credential on the tab: create (the key shown once, stored only
as a fast hash), revoke, rotate with a grace period, expiry, the allowed networks, and who made
it and when it was last used."""

import datetime
import hashlib
import re
import timeit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from knooppunt.audit.models import AuditEvent
from knooppunt.products import keys
from knooppunt.products.models import Credential
from knooppunt.testing.api import auth, problem

KEY_RE = re.compile(r'value="([A-Za-z0-9]{8}\.[A-Za-z0-9]{40})"')


@pytest.fixture
def client(productbeheerder):
    client = Client()
    client.force_login(productbeheerder)
    return client


def _url(name, organisation, *args):
    return reverse(f"products:{name}", args=[organisation.pk, "iwmo", *args])


def _create(client, organisation, **data):
    data = {"name": "Suite4Jeugd productie", "expires_on": "", "networks": "", **data}
    return client.post(_url("credential_create", organisation), data)


def _ping(key, **extra):
    return Client().get("/api/v1/ping", **auth(key), **extra)


def test_create_shows_the_key_once_and_stores_only_its_hash(client, organisation):
    response = _create(client, organisation)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = KEY_RE.search(response.content.decode()).group(1)
    credential = Credential.objects.get()
    assert credential.name == "Suite4Jeugd productie"
    assert credential.prefix == key.split(".")[0]
    assert credential.hashed_key == "sha512$$" + hashlib.sha512(key.encode()).hexdigest()
    secret = key.split(".")[1]
    for value in Credential.objects.values().get().values():
        assert secret not in str(value)
    # Shown once: the tab shows the prefix, never the key again.
    page = client.get(_url("tab", organisation)).content.decode()
    assert credential.prefix in page and secret not in page
    event = AuditEvent.objects.get(action="products.credential_create")
    assert secret not in str(event.details) and event.details["prefix"] == credential.prefix
    assert _ping(key).status_code == 200


def test_the_tab_shows_who_made_it_and_when_it_was_last_used(
    client, organisation, productbeheerder
):
    response = _create(client, organisation)
    key = KEY_RE.search(response.content.decode()).group(1)
    assert _ping(key, REMOTE_ADDR="192.0.2.44").status_code == 200
    credential = Credential.objects.get()
    assert credential.created_by == productbeheerder
    assert credential.created_by_username == productbeheerder.username
    assert credential.last_used_ip == "192.0.2.44"
    page = client.get(_url("tab", organisation)).content.decode()
    assert productbeheerder.username in page
    assert "vanaf 192.0.2.44" in page
    assert timezone.localtime(credential.created_at).strftime("%d-%m-%Y") in page


def test_the_key_check_costs_microseconds_not_an_argon2_verify(credential):
    obj, key = credential
    seconds = timeit.timeit(lambda: keys.matches(key, obj.hashed_key), number=2000) / 2000
    assert keys.matches(key, obj.hashed_key)
    assert seconds < 0.0002, f"{seconds * 1e6:.0f} µs per check"


def test_a_stored_value_of_another_hasher_is_never_accepted(credential):
    from django.contrib.auth.hashers import make_password

    obj, key = credential
    assert not keys.matches(key, make_password(key))


def test_revoke_stops_the_key_at_once_and_is_audited(client, organisation, credential):
    obj, key = credential
    page = client.get(_url("credential_revoke", organisation, obj.pk))
    assert "Weet u zeker" in page.content.decode()
    response = client.post(_url("credential_revoke", organisation, obj.pk))
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.revoked_at is not None and obj.revoked_by_username
    refused = _ping(key)
    assert refused.status_code == 401
    assert "ingetrokken" in problem(refused)["detail"]
    assert AuditEvent.objects.filter(action="products.credential_revoke").count() == 1
    refusal = AuditEvent.objects.get(action="webservice.refused")
    assert refusal.details["reason"] == "revoked"
    assert refusal.organisation_id == organisation.pk
    # Revoked is final: it cannot be rotated back to life.
    assert client.post(_url("credential_rotate", organisation, obj.pk), {"grace_hours": 0})
    assert Credential.objects.get().prefix == obj.prefix


def test_rotate_gives_a_new_key_while_the_old_one_works_for_the_grace_period(
    client, organisation, credential
):
    obj, old_key = credential
    response = client.post(_url("credential_rotate", organisation, obj.pk), {"grace_hours": 24})
    assert response.status_code == 200
    new_key = KEY_RE.search(response.content.decode()).group(1)
    assert new_key != old_key
    assert _ping(new_key).status_code == 200
    during = _ping(old_key)
    assert during.status_code == 200
    assert during.json()["koppeling"]["sleutel"] == "vorig"
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=24, minutes=1)):
        after = _ping(old_key)
        assert after.status_code == 401
        assert "vernieuwd" in problem(after)["detail"]
        assert _ping(new_key).status_code == 200
    event = AuditEvent.objects.get(action="products.credential_rotate")
    assert event.details["grace_hours"] == 24


def test_rotate_without_grace_stops_the_old_key_at_once(client, organisation, credential):
    obj, old_key = credential
    response = client.post(_url("credential_rotate", organisation, obj.pk), {"grace_hours": 0})
    new_key = KEY_RE.search(response.content.decode()).group(1)
    assert _ping(old_key).status_code == 401
    assert _ping(new_key).status_code == 200


def test_housekeeping_forgets_the_previous_hash_after_the_grace_period(
    client, organisation, credential
):
    from knooppunt.core import housekeeping

    obj, _key = credential
    client.post(_url("credential_rotate", organisation, obj.pk), {"grace_hours": 1})
    assert Credential.objects.get().previous_hashed_key
    later = timezone.now() + datetime.timedelta(hours=2)
    result = housekeeping.run(later, only=["products.forget_previous_keys"])
    assert result == {"products.forget_previous_keys": 1}
    obj.refresh_from_db()
    assert obj.previous_prefix is None and obj.previous_hashed_key == ""


def test_an_expiry_date_is_the_last_day_the_key_works(client, organisation, productbeheerder):
    today = timezone.localdate()
    response = _create(client, organisation, expires_on=today.isoformat())
    key = KEY_RE.search(response.content.decode()).group(1)
    assert _ping(key).status_code == 200
    tomorrow = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(0, 0, 1))
    )
    with time_machine.travel(tomorrow):
        refused = _ping(key)
        assert refused.status_code == 401
        assert "verlopen" in problem(refused)["detail"]
        later = Client()
        later.force_login(productbeheerder)
        assert "Verlopen" in later.get(_url("tab", organisation)).content.decode()


def test_an_expiry_date_in_the_past_is_refused(client, organisation):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = _create(client, organisation, expires_on=yesterday.isoformat())
    assert "vandaag of later" in response.content.decode()
    assert not Credential.objects.exists()


def test_allowed_networks_refuse_other_addresses(client, organisation):
    response = _create(client, organisation, networks="192.0.2.7/24\n2001:db8::/48")
    key = KEY_RE.search(response.content.decode()).group(1)
    assert Credential.objects.get().allowed_networks == ["192.0.2.0/24", "2001:db8::/48"]
    assert _ping(key, REMOTE_ADDR="192.0.2.200").status_code == 200
    assert _ping(key, REMOTE_ADDR="2001:db8::1").status_code == 200
    refused = _ping(key, REMOTE_ADDR="198.51.100.1")
    assert refused.status_code == 403
    assert problem(refused)["type"] == "urn:knooppunt:probleem:adres-niet-toegestaan"
    refusal = AuditEvent.objects.get(action="webservice.refused")
    assert refusal.details["reason"] == "address" and refusal.ip_address == "198.51.100.1"


def test_a_bad_network_is_a_form_error(client, organisation):
    response = _create(client, organisation, networks="192.0.2.0/24, gemeente.nl")
    assert "gemeente.nl is geen IP-adres" in response.content.decode()
    assert not Credential.objects.exists()


def test_a_name_is_required(client, organisation):
    response = _create(client, organisation, name="   ")
    assert "Dit veld is verplicht" in response.content.decode()
    assert not Credential.objects.exists()


def test_operator_sets_a_credentials_own_rate_limit(organisation, credential):
    from knooppunt.testing.factories import OperatorUserFactory

    obj, _key = credential
    operator = Client()
    operator.force_login(OperatorUserFactory())
    response = operator.post(_url("credential_rate_limit", organisation, obj.pk), {"rate_limit": 5})
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.rate_limit == 5
    assert AuditEvent.objects.filter(action="products.credential_rate_limit").exists()


def test_a_productbeheerder_cannot_change_the_rate_limit(client, organisation, credential):
    obj, _key = credential
    response = client.post(_url("credential_rate_limit", organisation, obj.pk), {"rate_limit": 5})
    assert response.status_code == 404
    obj.refresh_from_db()
    assert obj.rate_limit is None
