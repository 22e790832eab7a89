"""Brokers that follow OpenID Connect strictly: the ID token carries `sub` and `acr`, and the
company and the person come from the userinfo endpoint, under the names each broker gives them.
All against the real test broker (oidc-provider), run to deliver the claims only in userinfo."""

import base64
import hashlib
import json
import secrets
import socket
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from django.urls import reverse

from knooppunt.access.principals import COMMAND_LINE
from knooppunt.audit.models import AuditEvent, Outcome
from knooppunt.eherkenning import oidc
from knooppunt.eherkenning.models import Broker, Identity, Vestiging
from knooppunt.eherkenning.services import REGISTRATION_KEY, create_broker
from knooppunt.testing.broker import CALLBACK_PATH, CLIENT_ID, CLIENT_SECRET, run_broker
from knooppunt.testing.factories import UserFactory

from .conftest import KVK, broker_login

pytestmark = pytest.mark.django_db

# Names as an eHerkenning broker may give them (the attributes of the eHerkenning stelsel).
ETOEGANG = {
    "kvk": "urn:etoegang:core:LegalSubjectID",
    "vestigingsnummer": "urn:etoegang:1.9:ServiceRestriction:Vestigingsnr",
    "pseudo_id": "urn:etoegang:core:ActingSubjectID",
}
BRANCH = "000012345678"


def logged_in(client) -> bool:
    return client.get(reverse("core:welcome")).wsgi_request.user.is_authenticated


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _point_userinfo_at(broker: Broker, url: str) -> None:
    metadata = oidc.load_metadata(broker)
    Broker.objects.filter(pk=broker.pk).update(metadata={**metadata, "userinfo_endpoint": url})


@pytest.fixture
def strict_broker(userinfo_eherkenning_broker):
    return create_broker(
        COMMAND_LINE,
        naam="Strikte makelaar",
        issuer=userinfo_eherkenning_broker.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )


def _answers_of(running) -> tuple[dict, dict]:
    """The broker's real answers to a relying party for a queued login: the ID token's
    payload and the userinfo answer."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": running.redirect_uri,
        "scope": "openid",
        "state": secrets.token_urlsafe(8),
        "nonce": secrets.token_urlsafe(8),
        "code_challenge": base64.urlsafe_b64encode(digest).rstrip(b"=").decode(),
        "code_challenge_method": "S256",
    }
    callback = running.follow(f"{running.issuer}/auth?{urlencode(params)}")
    token = requests.post(
        f"{running.issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": parse_qs(urlsplit(callback).query)["code"][0],
            "redirect_uri": running.redirect_uri,
            "code_verifier": verifier,
        },
        auth=(CLIENT_ID, CLIENT_SECRET),
        timeout=10,
    ).json()
    payload = token["id_token"].split(".")[1]
    id_token = json.loads(base64.urlsafe_b64decode(payload + "=="))
    userinfo = requests.get(
        f"{running.issuer}/me",
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=10,
    ).json()
    return id_token, userinfo


def test_the_strict_test_broker_puts_the_claims_only_in_userinfo(userinfo_eherkenning_broker):
    userinfo_eherkenning_broker.queue_login(
        kvk=KVK, pseudo_id="p-strikt", vestigingsnummer=BRANCH, sub="s-strikt"
    )
    id_token, userinfo = _answers_of(userinfo_eherkenning_broker)
    assert id_token["sub"] == "s-strikt" and id_token["acr"].endswith("loa3")
    assert not {"kvk", "vestigingsnummer", "pseudo_id"} & set(id_token)
    assert userinfo == {
        "sub": "s-strikt",
        "acr": id_token["acr"],
        "kvk": KVK,
        "vestigingsnummer": BRANCH,
        "pseudo_id": "p-strikt",
    }


def test_company_and_person_are_read_from_userinfo(
    client, userinfo_eherkenning_broker, strict_broker, organisation
):
    """The broker's ID token names no company: the portal asks its userinfo endpoint, and the
    branch and the pseudonym found there select the organisation and the registration."""
    Vestiging.objects.create(organisation=organisation, vestigingsnummer=BRANCH)
    response = broker_login(
        client,
        userinfo_eherkenning_broker,
        strict_broker,
        pseudo_id="p-u1",
        vestigingsnummer=BRANCH,
    )
    assert response["Location"] == reverse("eherkenning:register")
    pending = client.session[REGISTRATION_KEY]
    assert (pending["organisation"], pending["pseudo_id"]) == (organisation.pk, "p-u1")
    event = AuditEvent.objects.get(action="eherkenning.login")
    assert (event.details["kvk"], event.details["vestigingsnummer"]) == (KVK, BRANCH)
    assert event.details["pseudo_id"] == "p-u1"


def test_known_person_logs_in_with_the_pseudonym_from_userinfo(
    client, userinfo_eherkenning_broker, strict_broker, organisation
):
    user = UserFactory(organisation=organisation)
    Identity.objects.create(
        broker=strict_broker, pseudo_id="p-u2", organisation=organisation, user=user
    )
    response = broker_login(client, userinfo_eherkenning_broker, strict_broker, pseudo_id="p-u2")
    assert response["Location"] == reverse("core:welcome")
    assert client.get(reverse("core:welcome")).wsgi_request.user == user


def test_userinfo_about_another_subject_is_refused(
    client, userinfo_eherkenning_broker, strict_broker, organisation
):
    """OpenID Connect Core 5.3.4: a userinfo answer whose sub is not the ID token's is not
    used at all; the login is refused as an answer that could not be checked, and audited."""
    user = UserFactory(organisation=organisation)
    Identity.objects.create(
        broker=strict_broker, pseudo_id="p-u3", organisation=organisation, user=user
    )
    response = broker_login(
        client,
        userinfo_eherkenning_broker,
        strict_broker,
        pseudo_id="p-u3",
        sub="s-echt",
        userinfo_sub="s-iemand-anders",
    )
    assert response.status_code == 403
    assert "kon niet worden gecontroleerd" in response.content.decode()
    event = AuditEvent.objects.get(action="eherkenning.token_refused")
    assert event.outcome == Outcome.DENIED
    assert event.details["error"] == "userinfo sub is not the ID token's"
    assert "s-iemand-anders" not in str(event.details)
    assert event.details["broker"] == "Strikte makelaar"
    assert not AuditEvent.objects.filter(action__in=["eherkenning.login"]).exists()
    assert REGISTRATION_KEY not in client.session
    assert not logged_in(client)


def test_unreachable_userinfo_refuses_the_login(
    client, userinfo_eherkenning_broker, strict_broker, eherkenning_broker, organisation
):
    _point_userinfo_at(strict_broker, f"http://127.0.0.1:{_closed_port()}/me")
    response = broker_login(client, userinfo_eherkenning_broker, strict_broker, pseudo_id="p-u4")
    assert response.status_code == 502
    assert "eHerkenningmakelaar niet bereikbaar" in response.content.decode()
    event = AuditEvent.objects.get(action="eherkenning.login_failed")
    assert event.outcome == Outcome.FAILURE and event.details["reason"] == "unavailable"
    assert "userinfo" in event.details["error"]
    assert event.details["broker"] == "Strikte makelaar"
    assert REGISTRATION_KEY not in client.session
    assert not logged_in(client)

    # A broker whose ID token has the company, the branch and the person is not asked.
    full = create_broker(
        COMMAND_LINE,
        naam="Makelaar met alles in het ID-token",
        issuer=eherkenning_broker.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )
    _point_userinfo_at(full, f"http://127.0.0.1:{_closed_port()}/me")
    response = broker_login(
        client, eherkenning_broker, full, pseudo_id="p-u5", vestigingsnummer=BRANCH
    )
    assert response["Location"] == reverse("eherkenning:register")


def test_userinfo_that_does_not_answer_refuses_the_login_after_the_timeout(
    client, settings, userinfo_eherkenning_broker, strict_broker, organisation
):
    settings.KNOOPPUNT_EHERKENNING_HTTP_TIMEOUT = 3  # the token endpoint too: not less
    with socket.socket() as silent:  # accepts connections (the backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        _point_userinfo_at(strict_broker, f"http://127.0.0.1:{silent.getsockname()[1]}/me")
        started = time.monotonic()
        response = broker_login(
            client, userinfo_eherkenning_broker, strict_broker, pseudo_id="p-u10"
        )
        waited = time.monotonic() - started
    assert response.status_code == 502
    assert 3 <= waited < 20
    event = AuditEvent.objects.get(action="eherkenning.login_failed")
    assert "userinfo" in event.details["error"] and "timed out" in event.details["error"]
    assert not logged_in(client)


def test_userinfo_error_answer_refuses_the_login(
    client, userinfo_eherkenning_broker, second_eherkenning_broker, strict_broker, organisation
):
    """Another broker's userinfo endpoint does not know our access token: a real 401."""
    _point_userinfo_at(strict_broker, f"{second_eherkenning_broker.issuer}/me")
    response = broker_login(client, userinfo_eherkenning_broker, strict_broker, pseudo_id="p-u6")
    assert response.status_code == 403
    assert "kon niet worden gecontroleerd" in response.content.decode()
    event = AuditEvent.objects.get(action="eherkenning.token_refused")
    assert "401" in event.details["error"] and "invalid_token" in event.details["error"]
    assert not logged_in(client)


@pytest.mark.parametrize("claims_in", ["userinfo", "id_token"])
def test_claim_names_are_the_brokers(client, settings, organisation, claims_in):
    """A broker that gives the claims other names, in userinfo or in its ID token: the names
    configured for it are read, and only those."""
    Vestiging.objects.create(organisation=organisation, vestigingsnummer=BRANCH)
    redirect_uri = settings.KNOOPPUNT_BASE_URL + CALLBACK_PATH
    with run_broker(redirect_uri, claims_in=claims_in, claim_names=ETOEGANG) as running:
        broker = create_broker(
            COMMAND_LINE,
            naam="Makelaar met eigen namen",
            issuer=running.issuer,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            claim_names=ETOEGANG,
        )
        response = broker_login(client, running, broker, pseudo_id="p-u7", vestigingsnummer=BRANCH)
        assert response["Location"] == reverse("eherkenning:register")
        pending = client.session[REGISTRATION_KEY]
        assert (pending["organisation"], pending["pseudo_id"]) == (organisation.pk, "p-u7")

        # With the usual names configured, this broker delivers no KvK-nummer the portal reads.
        Broker.objects.filter(pk=broker.pk).update(
            kvk_claim="kvk", vestigingsnummer_claim="vestigingsnummer", pseudo_id_claim="pseudo_id"
        )
        response = broker_login(client, running, broker, pseudo_id="p-u8")
        assert response.status_code == 403
        assert "De eHerkenningmakelaar gaf geen KvK-nummer door." in response.content.decode()
