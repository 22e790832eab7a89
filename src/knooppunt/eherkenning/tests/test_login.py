"""Logging in through a broker: the level of assurance, the company and person mapping, and every
way the broker's answer can be wrong. All against the real test broker (oidc-provider)."""

import base64
import datetime
import hashlib
import secrets
import socket
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from django.urls import reverse
from django.utils import timezone
from joserfc.errors import JoseError

from knooppunt.access.principals import COMMAND_LINE
from knooppunt.accounts.models import Status, User
from knooppunt.audit.models import AuditEvent, Outcome
from knooppunt.eherkenning import oidc
from knooppunt.eherkenning.models import Broker, Identity, Vestiging
from knooppunt.eherkenning.services import REGISTRATION_KEY, create_broker, person_id
from knooppunt.testing.broker import (
    CLIENT_ID,
    LOA,
    OTHER_CLIENT_ID,
    OTHER_CLIENT_SECRET,
    path_of,
)
from knooppunt.testing.factories import OrganisationFactory, UserFactory

from .conftest import KVK, broker_login, start

pytestmark = pytest.mark.django_db


def logged_in(client) -> bool:
    return client.get(reverse("core:welcome")).wsgi_request.user.is_authenticated


def test_authorization_request_asks_for_eh3_with_pkce_state_and_nonce(client, broker):
    query = parse_qs(urlsplit(start(client, broker)).query)
    assert query["acr_values"] == [LOA(3)]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == ["http://127.0.0.1:8000/eherkenning/callback/"]
    assert query["scope"] == ["openid"]


@pytest.mark.parametrize("level", [1, 2])
def test_level_below_eh3_is_refused(client, eherkenning_broker, broker, organisation, level):
    response = broker_login(client, eherkenning_broker, broker, acr=LOA(level))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Betrouwbaarheidsniveau te laag" in html
    assert f"Uw eHerkenningsmiddel heeft niveau EH{level}." in html
    assert "minimaal betrouwbaarheidsniveau 3 (EH3)" in html
    event = AuditEvent.objects.get(action="eherkenning.level_refused")
    assert event.outcome == Outcome.DENIED
    assert event.organisation_id == organisation.pk
    assert event.details["acr"] == LOA(level)
    assert REGISTRATION_KEY not in client.session
    assert not logged_in(client)
    assert not User.objects.filter(organisation=organisation).exists()


def test_level_eh4_is_accepted(client, eherkenning_broker, broker, organisation):
    response = broker_login(client, eherkenning_broker, broker, acr=LOA(4))
    assert response["Location"] == reverse("eherkenning:register")


def test_level_is_checked_for_known_users_too(client, eherkenning_broker, broker, organisation):
    user = UserFactory(organisation=organisation)
    Identity.objects.create(broker=broker, pseudo_id="p-x", organisation=organisation, user=user)
    response = broker_login(client, eherkenning_broker, broker, pseudo_id="p-x", acr=LOA(2))
    assert response.status_code == 403
    assert not logged_in(client)


def test_unknown_company_is_refused(client, eherkenning_broker, broker, organisation):
    response = broker_login(client, eherkenning_broker, broker, kvk="87654321")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Uw organisatie is niet bekend" in html
    assert "Met KvK-nummer 87654321 kunt u niet inloggen op Knooppunt." in html
    event = AuditEvent.objects.get(action="eherkenning.unknown_company")
    assert event.outcome == Outcome.DENIED and event.details["kvk"] == "87654321"
    assert REGISTRATION_KEY not in client.session
    assert not logged_in(client)


def test_organisation_without_eherkenning_is_refused(client, eherkenning_broker, broker):
    OrganisationFactory(kvk_nummer=KVK, login_eherkenning=False)
    response = broker_login(client, eherkenning_broker, broker)
    assert response.status_code == 403
    assert "Uw organisatie is niet bekend" in response.content.decode()


def test_branch_numbers_select_the_organisation(client, eherkenning_broker, broker):
    """One KvK registration, two organisations: each reached from its own branch only."""
    noord = OrganisationFactory(naam="Noord", kvk_nummer=KVK, login_eherkenning=True)
    zuid = OrganisationFactory(naam="Zuid", kvk_nummer=KVK, login_eherkenning=True)
    Vestiging.objects.create(organisation=noord, vestigingsnummer="000011112222")
    Vestiging.objects.create(organisation=zuid, vestigingsnummer="000033334444")

    response = broker_login(client, eherkenning_broker, broker, vestigingsnummer="000033334444")
    assert response["Location"] == reverse("eherkenning:register")
    assert client.session[REGISTRATION_KEY]["organisation"] == zuid.pk

    for other in ("000099999999", None):
        claims = {"vestigingsnummer": other} if other else {}
        response = broker_login(client, eherkenning_broker, broker, **claims)
        assert response.status_code == 403
        assert "Uw organisatie is niet bekend" in response.content.decode()


def test_organisation_without_branch_numbers_takes_every_branch(
    client, eherkenning_broker, broker, organisation
):
    response = broker_login(client, eherkenning_broker, broker, vestigingsnummer="000012345678")
    assert response["Location"] == reverse("eherkenning:register")
    assert client.session[REGISTRATION_KEY]["organisation"] == organisation.pk


@pytest.mark.parametrize("status", [Status.DEACTIVATED, Status.EXPIRED])
def test_inactive_account_is_refused(client, eherkenning_broker, broker, organisation, status):
    user = UserFactory(organisation=organisation, status=status)
    Identity.objects.create(broker=broker, pseudo_id="p-y", organisation=organisation, user=user)
    response = broker_login(client, eherkenning_broker, broker, pseudo_id="p-y")
    assert response.status_code == 403
    assert "Uw account is niet actief" in response.content.decode()
    assert AuditEvent.objects.get(action="eherkenning.account_refused").actor_id == user.pk
    assert not logged_in(client)


def test_account_without_login_for_six_months_expires_at_eherkenning_login(
    client, eherkenning_broker, broker, organisation
):
    seven_months_ago = timezone.now() - datetime.timedelta(days=213)
    user = UserFactory(organisation=organisation, last_login=seven_months_ago)
    Identity.objects.create(broker=broker, pseudo_id="p-old", organisation=organisation, user=user)
    response = broker_login(client, eherkenning_broker, broker, pseudo_id="p-old")
    assert response.status_code == 403
    assert not logged_in(client)
    user.refresh_from_db()
    assert user.status == Status.EXPIRED
    assert AuditEvent.objects.filter(action="user.expire", object_id=str(user.pk)).exists()


def test_deleted_users_person_registers_anew(client, eherkenning_broker, broker, organisation):
    user = UserFactory(organisation=organisation, status=Status.DELETED, email="")
    Identity.objects.create(broker=broker, pseudo_id="p-z", organisation=organisation, user=user)
    response = broker_login(client, eherkenning_broker, broker, pseudo_id="p-z")
    assert response["Location"] == reverse("eherkenning:register")


def test_same_pseudonym_at_another_broker_is_another_person(
    client, eherkenning_broker, broker, organisation
):
    other = create_broker(
        COMMAND_LINE,
        naam="Andere makelaar",
        issuer="https://andere.example",
        client_id="x",
        client_secret="y",
    )
    user = UserFactory(organisation=organisation)
    Identity.objects.create(broker=other, pseudo_id="p-1", organisation=organisation, user=user)
    response = broker_login(client, eherkenning_broker, broker, pseudo_id="p-1")
    assert response["Location"] == reverse("eherkenning:register")


def test_person_is_the_pseudonym_or_else_the_subject():
    assert person_id({"sub": "s-1", "pseudo_id": "p-1"}) == "p-1"
    assert person_id({"sub": "s-1"}) == "s-1"
    assert person_id({"sub": "s-1", "pseudo_id": " "}) == "s-1"
    assert person_id({"sub": "s-1", "pseudo_id": 42}) == "s-1"


def test_callback_without_a_started_login_is_refused(client, broker):
    response = client.get(reverse("eherkenning:callback") + "?code=abc&state=made-up")
    assert response.status_code == 403
    assert "Inlogpoging verlopen" in response.content.decode()
    event = AuditEvent.objects.get(action="eherkenning.login_failed")
    assert event.details["reason"] == "state"


def test_callback_used_twice_is_refused(client, eherkenning_broker, broker, organisation):
    eherkenning_broker.queue_login(kvk=KVK, pseudo_id="p-2")
    callback = path_of(eherkenning_broker.follow(start(client, broker)))
    assert client.get(callback)["Location"] == reverse("eherkenning:register")
    again = client.get(callback)
    assert again.status_code == 403
    assert "Inlogpoging verlopen" in again.content.decode()


def test_answer_naming_another_issuer_is_refused(client, eherkenning_broker, broker, organisation):
    """RFC 9207: the iss parameter must be the broker the login was started at (mix-up)."""
    eherkenning_broker.queue_login(kvk=KVK, pseudo_id="p-3")
    callback = path_of(eherkenning_broker.follow(start(client, broker)))
    tampered = callback.replace(
        "iss=" + requests.utils.quote(eherkenning_broker.issuer, safe=""),
        "iss=" + requests.utils.quote("https://kwaadwillend.example", safe=""),
    )
    assert tampered != callback
    response = client.get(tampered)
    assert response.status_code == 403
    assert "kon niet worden gecontroleerd" in response.content.decode()
    assert AuditEvent.objects.get(action="eherkenning.token_refused").outcome == Outcome.DENIED


def test_broker_error_answer_means_cancelled(client, broker):
    state = parse_qs(urlsplit(start(client, broker)).query)["state"][0]
    response = client.get(
        reverse("eherkenning:callback")
        + "?"
        + urlencode({"error": "access_denied", "state": state})
    )
    assert response.status_code == 403
    assert "Inloggen afgebroken" in response.content.decode()
    event = AuditEvent.objects.get(action="eherkenning.login_failed")
    assert event.details["reason"] == "cancelled"


def test_id_token_signed_with_another_key_is_refused(
    client, eherkenning_broker, second_eherkenning_broker, broker, organisation
):
    """Our trust in the broker's key is replaced by another broker's key under the same key id:
    the broker's real token no longer verifies, and nobody is logged in."""
    metadata = oidc.load_metadata(broker)
    [real_key] = metadata["jwks"]["keys"]
    [foreign_key] = second_eherkenning_broker.jwks()["keys"]
    assert foreign_key["n"] != real_key["n"]
    metadata["jwks"] = {"keys": [{**foreign_key, "kid": real_key["kid"]}]}
    metadata["jwks_uri"] = f"{second_eherkenning_broker.issuer}/jwks"
    Broker.objects.filter(pk=broker.pk).update(metadata=metadata)

    response = broker_login(client, eherkenning_broker, broker, pseudo_id="p-4")
    assert response.status_code == 403
    assert "kon niet worden gecontroleerd" in response.content.decode()
    event = AuditEvent.objects.get(action="eherkenning.token_refused")
    assert "Signature" in event.details["error"]
    assert REGISTRATION_KEY not in client.session
    assert not logged_in(client)


def test_rotated_broker_keys_are_fetched_and_shared(
    client, eherkenning_broker, second_eherkenning_broker, broker, organisation
):
    """A key id we do not know yet: the key set is fetched again and stored for every process."""
    metadata = oidc.load_metadata(broker)
    real_kid = metadata["jwks"]["keys"][0]["kid"]
    metadata["jwks"] = second_eherkenning_broker.jwks()
    Broker.objects.filter(pk=broker.pk).update(metadata=metadata)

    response = broker_login(client, eherkenning_broker, broker, pseudo_id="p-5")
    assert response["Location"] == reverse("eherkenning:register")
    broker.refresh_from_db()
    assert [key["kid"] for key in broker.metadata["jwks"]["keys"]] == [real_kid]


def _token_for_other_client(running) -> tuple[dict, str]:
    """Be another relying party ('ander') at the same broker and get its real tokens."""
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    nonce = secrets.token_urlsafe(16)
    params = {
        "response_type": "code",
        "client_id": OTHER_CLIENT_ID,
        "redirect_uri": running.redirect_uri,
        "scope": "openid",
        "state": secrets.token_urlsafe(8),
        "nonce": nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "acr_values": LOA(3),
    }
    running.queue_login(kvk=KVK, pseudo_id="p-ander")
    callback = running.follow(f"{running.issuer}/auth?{urlencode(params)}")
    code = parse_qs(urlsplit(callback).query)["code"][0]
    token = requests.post(
        f"{running.issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": running.redirect_uri,
            "code_verifier": verifier,
        },
        auth=(OTHER_CLIENT_ID, OTHER_CLIENT_SECRET),
        timeout=10,
    ).json()
    return token, nonce


def test_id_token_for_another_client_is_refused(eherkenning_broker, broker):
    """A real token the broker issued to another relying party (audience 'ander'), replayed
    to us with its own nonce: the audience check refuses it."""
    token, nonce = _token_for_other_client(eherkenning_broker)
    with pytest.raises(JoseError, match="aud"):
        oidc.BrokerClient(broker).parse_id_token(token, nonce)
    # The very same token is fine for the client it was issued to: only the audience differs.
    ander = create_broker(
        COMMAND_LINE,
        naam="Als ander",
        issuer=eherkenning_broker.issuer,
        client_id=OTHER_CLIENT_ID,
        client_secret=OTHER_CLIENT_SECRET,
    )
    claims = oidc.BrokerClient(ander).parse_id_token(token, nonce)
    assert claims["aud"] == OTHER_CLIENT_ID and claims["pseudo_id"] == "p-ander"


def test_id_token_with_another_nonce_or_tampered_payload_is_refused(eherkenning_broker, broker):
    token, nonce = _token_for_other_client(eherkenning_broker)
    ander = create_broker(
        COMMAND_LINE,
        naam="Als ander",
        issuer=eherkenning_broker.issuer,
        client_id=OTHER_CLIENT_ID,
        client_secret=OTHER_CLIENT_SECRET,
    )
    client = oidc.BrokerClient(ander)
    with pytest.raises(JoseError, match="nonce"):
        client.parse_id_token(token, "another-nonce")
    header, payload, signature = token["id_token"].split(".")
    claims = base64.urlsafe_b64decode(payload + "==").replace(b"loa3", b"loa4")
    forged = base64.urlsafe_b64encode(claims).rstrip(b"=").decode()
    with pytest.raises(JoseError):
        client.parse_id_token({**token, "id_token": f"{header}.{forged}.{signature}"}, nonce)
    with pytest.raises(oidc.LoginRejected):
        client.parse_id_token({**token, "id_token": ""}, nonce)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_broker_gets_a_clear_message(client):
    broker = create_broker(
        COMMAND_LINE,
        naam="Onbereikbaar",
        issuer=f"http://127.0.0.1:{_closed_port()}",
        client_id="a",
        client_secret="b",
    )
    response = client.post(reverse("eherkenning:choose_broker"), {"broker": broker.pk})
    assert response.status_code == 502
    assert "eHerkenningmakelaar niet bereikbaar" in response.content.decode()
    event = AuditEvent.objects.get(action="eherkenning.login_failed")
    assert event.outcome == Outcome.FAILURE and event.details["reason"] == "unavailable"


def test_discovery_is_cached_in_the_database(client, eherkenning_broker, broker, organisation):
    assert broker.metadata == {}
    broker_login(client, eherkenning_broker, broker, pseudo_id="p-6")
    broker.refresh_from_db()
    assert broker.metadata["issuer"] == eherkenning_broker.issuer
    assert broker.metadata["jwks"]["keys"]
    first_fetch = broker.metadata_fetched_at

    broker_login(client, eherkenning_broker, broker, pseudo_id="p-7")
    broker.refresh_from_db()
    assert broker.metadata_fetched_at == first_fetch  # served from the database

    # A day old: fetched again. (The clock of the cache is moved, not the test's: the broker's
    # cookies in the test's HTTP client would expire with it.)
    stale = first_fetch - timedelta(hours=25)
    Broker.objects.filter(pk=broker.pk).update(metadata_fetched_at=stale)
    broker_login(client, eherkenning_broker, broker, pseudo_id="p-8")
    broker.refresh_from_db()
    assert broker.metadata_fetched_at > first_fetch


def test_discovery_naming_another_issuer_is_unusable(eherkenning_broker):
    broker = create_broker(
        COMMAND_LINE,
        naam="Verkeerd adres",
        issuer=eherkenning_broker.issuer.replace("127.0.0.1", "localhost"),
        client_id=CLIENT_ID,
        client_secret="x",
    )
    with pytest.raises(oidc.BrokerUnavailable, match="does not match"):
        oidc.load_metadata(broker)


def test_inactive_broker_cannot_be_chosen(client, broker):
    Broker.objects.filter(pk=broker.pk).update(active=False)
    page = client.get(reverse("eherkenning:choose_broker"))
    assert "Testmakelaar" not in page.content.decode()
    assert "geen eHerkenningmakelaar ingesteld" in page.content.decode()
    Broker.objects.create(naam="Tweede", issuer="https://tweede.example", client_id="a")
    response = client.post(reverse("eherkenning:choose_broker"), {"broker": broker.pk})
    assert response.status_code == 200
    assert "Kies een eHerkenningmakelaar uit de lijst." in response.content.decode()


def test_broker_deactivated_during_the_login_is_refused(
    client, eherkenning_broker, broker, organisation
):
    eherkenning_broker.queue_login(kvk=KVK, pseudo_id="p-9")
    callback = path_of(eherkenning_broker.follow(start(client, broker)))
    Broker.objects.filter(pk=broker.pk).update(active=False)
    response = client.get(callback)
    assert response.status_code == 403
    assert not logged_in(client)


def test_choice_page_requires_a_choice(client, broker):
    Broker.objects.create(naam="Tweede", issuer="https://tweede.example", client_id="a")
    response = client.post(reverse("eherkenning:choose_broker"), {})
    assert response.status_code == 200
    assert "Kies de eHerkenningmakelaar van uw organisatie." in response.content.decode()
    response = client.post(reverse("eherkenning:choose_broker"), {"broker": "geen-getal"})
    assert "Kies een eHerkenningmakelaar uit de lijst." in response.content.decode()


def test_next_address_is_kept_across_the_broker(client, eherkenning_broker, broker, organisation):
    user = UserFactory(organisation=organisation)
    Identity.objects.create(broker=broker, pseudo_id="p-n", organisation=organisation, user=user)
    eherkenning_broker.queue_login(kvk=KVK, pseudo_id="p-n")
    location = start(client, broker, next="/operator/")
    response = client.get(path_of(eherkenning_broker.follow(location)))
    assert response["Location"] == "/operator/"
    # Another site is never a destination.
    eherkenning_broker.queue_login(kvk=KVK, pseudo_id="p-n")
    client.post(reverse("accounts:logout"))
    location = start(client, broker, next="https://kwaadwillend.example/")
    response = client.get(path_of(eherkenning_broker.follow(location)))
    assert response["Location"] == reverse("core:welcome")
