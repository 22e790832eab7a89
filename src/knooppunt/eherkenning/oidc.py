"""The OpenID Connect relying party for eHerkenning brokers, on Authlib's Django client.

Each request builds a client from a `Broker` row, so any number of brokers can be configured
at run time. The authorization code flow uses PKCE (S256), a state and a nonce kept in the
session; the ID token must be signed (RS256) by a key from the broker's JWKS and name this
broker as issuer and our client id as its only audience. Discovery documents and keys are
cached in the database (`Broker.metadata`), never only in process memory.

The company and the person (`kvk`, `vestigingsnummer`, the pseudonym) come under the names the
broker gives them (`Broker.claim_names`), from the ID token or, where it lacks them, from the
broker's userinfo endpoint, whose answer must be about the ID token's subject.
"""

from datetime import timedelta

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from joserfc.errors import InvalidClaimError, JoseError

from .models import Broker

LOA = "urn:etoegang:core:assurance-class:loa{}"
REQUESTED_ACR = LOA.format(3)
# EH3 or higher (BIDN 2.1: "minimaal betrouwbaarheidsniveau 3").
ACCEPTED_ACR = frozenset({LOA.format(3), LOA.format(4)})
SIGNING_ALGORITHMS = ["RS256"]
STATE_NAMESPACE = "eherkenning"
# What the cache keeps of a discovery document; the rest is not used.
METADATA_KEYS = (
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "jwks_uri",
    "userinfo_endpoint",
    "acr_values_supported",
    "code_challenge_methods_supported",
    "token_endpoint_auth_methods_supported",
)


class BrokerUnavailable(Exception):
    """The broker could not be reached, or its configuration is unusable."""

    def __init__(self, detail: str, broker: Broker | None = None):
        super().__init__(detail)
        self.broker = broker


class LoginRejected(Exception):
    """The broker's answer cannot be trusted or was an error; nobody is logged in.

    reason: "state" (unknown, used or expired state), "cancelled" (the broker reported an error,
    e.g. the person cancelled), "token" (ID token or token response failed a check).
    """

    def __init__(self, reason: str, detail: str = "", broker: Broker | None = None):
        super().__init__(reason, detail)
        self.reason, self.detail, self.broker = reason, detail, broker


def level_of(acr) -> str:
    """'urn:etoegang:core:assurance-class:loa2' -> 'EH2'; anything else -> ''."""
    if isinstance(acr, str) and acr.startswith(LOA.format("")) and acr[-1:].isdigit():
        return f"EH{acr[-1]}"
    return ""


def callback_url() -> str:
    # The portal's public address, as registered at the broker; not the request's Host header.
    return settings.KNOOPPUNT_BASE_URL + reverse("eherkenning:callback")


def _get_json(url: str) -> dict:
    try:
        response = requests.get(
            url,
            timeout=settings.KNOOPPUNT_EHERKENNING_HTTP_TIMEOUT,
            headers={"Accept": "application/json"},
        )
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise BrokerUnavailable(f"{url}: {exc}") from exc
    if not isinstance(data, dict):
        raise BrokerUnavailable(f"{url}: no JSON object")
    return data


def load_metadata(broker: Broker, *, refresh: bool = False) -> dict:
    """The broker's discovery document plus its keys (under "jwks"), from the database cache
    while fresh, otherwise fetched and stored again."""
    max_age = timedelta(hours=settings.KNOOPPUNT_EHERKENNING_METADATA_HOURS)
    fetched = broker.metadata_fetched_at
    if not refresh and broker.metadata and fetched and timezone.now() - fetched < max_age:
        return broker.metadata
    discovery = _get_json(broker.discovery_url)
    issuer = discovery.get("issuer")
    # OpenID Connect Discovery 4.3: the document must name the issuer it was fetched for.
    if not isinstance(issuer, str) or issuer.rstrip("/") != broker.issuer.rstrip("/"):
        raise BrokerUnavailable(f"issuer {issuer!r} does not match {broker.issuer!r}")
    missing = [
        key
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri")
        if not isinstance(discovery.get(key), str)
    ]
    if missing:
        raise BrokerUnavailable(f"discovery lacks {', '.join(missing)}")
    methods = discovery.get("code_challenge_methods_supported")
    if methods is not None and "S256" not in methods:
        raise BrokerUnavailable("broker does not support PKCE with S256")
    metadata = {key: discovery[key] for key in METADATA_KEYS if key in discovery}
    metadata["jwks"] = _fetch_jwks(metadata["jwks_uri"])
    _store_metadata(broker, metadata)
    return metadata


def _fetch_jwks(uri: str) -> dict:
    jwks = _get_json(uri)
    if not isinstance(jwks.get("keys"), list):
        raise BrokerUnavailable(f"{uri}: no key set")
    return jwks


def _store_metadata(broker: Broker, metadata: dict) -> None:
    from knooppunt.core.doors import bookkeeping

    now = timezone.now()
    with bookkeeping():  # a cache, not a change of the broker
        Broker.objects.filter(pk=broker.pk).update(metadata=metadata, metadata_fetched_at=now)
    broker.metadata, broker.metadata_fetched_at = metadata, now


class BrokerClient(DjangoOAuth2App):
    """Authlib's Django OAuth 2 / OpenID Connect client, configured from one Broker row."""

    def __init__(self, broker: Broker, metadata: dict | None = None):
        self.broker = broker
        self._cached = metadata if metadata is not None else load_metadata(broker)
        auth_methods = self._cached.get("token_endpoint_auth_methods_supported") or []
        auth_method = (
            "client_secret_post"
            if auth_methods and "client_secret_basic" not in auth_methods
            else "client_secret_basic"
        )
        super().__init__(
            DjangoIntegration(STATE_NAMESPACE),
            name=STATE_NAMESPACE,
            client_id=broker.client_id,
            client_secret=broker.client_secret,
            client_kwargs={
                "scope": "openid",
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": auth_method,
                "default_timeout": settings.KNOOPPUNT_EHERKENNING_HTTP_TIMEOUT,
            },
            # Only RS256 signatures count, whatever else the broker offers.
            **{**self._cached, "id_token_signing_alg_values_supported": SIGNING_ALGORITHMS},
        )

    @property
    def issuer(self) -> str:
        return self._cached["issuer"]

    def eherkenning_claims(self, token: dict, id_claims: dict) -> dict:
        """What the broker asserted, under our names: `sub` and `acr` from the verified ID
        token; `kvk`, `vestigingsnummer` and `pseudo_id` under the broker's names for them,
        from the ID token, and those it lacks from the userinfo endpoint (which a broker that
        follows OpenID Connect strictly uses for every claim it is not asked for in the ID
        token). Nothing else is taken from userinfo, the level least of all."""
        names = self.broker.claim_names
        claims = {"sub": id_claims.get("sub"), "acr": id_claims.get("acr")}
        claims.update({ours: id_claims.get(theirs) for ours, theirs in names.items()})
        lacking = [ours for ours in names if not _present(claims[ours])]
        if lacking and self._cached.get("userinfo_endpoint"):
            userinfo = self.read_userinfo(token, claims["sub"])
            claims.update({ours: userinfo.get(names[ours]) for ours in lacking})
        return claims

    def read_userinfo(self, token: dict, sub) -> dict:
        """The userinfo answer (OpenID Connect Core 5.3) for the access token, outside any
        transaction. Its `sub` must be the ID token's exactly (5.3.4), or none of it is used."""
        url = self._cached["userinfo_endpoint"]
        if not token.get("access_token"):
            raise LoginRejected("token", "userinfo: no access token", self.broker)
        try:
            response = self.get(url, token=token, headers={"Accept": "application/json"})
        except requests.RequestException as exc:
            raise BrokerUnavailable(f"userinfo {url}: {exc}", self.broker) from exc
        except OAuthError as exc:  # e.g. a token type other than Bearer
            raise LoginRejected("token", f"userinfo: {exc}"[:200], self.broker) from exc
        if response.status_code != 200:
            # RFC 6750 3: the reason is in WWW-Authenticate (e.g. error="invalid_token").
            reason = response.headers.get("WWW-Authenticate", "")[:150]
            raise LoginRejected(
                "token", f"userinfo answered {response.status_code} {reason}".strip(), self.broker
            )
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            if content_type != "application/json":
                raise ValueError(f"Content-Type {content_type!r}, not application/json")
            userinfo = response.json()
        except ValueError as exc:
            raise LoginRejected("token", f"userinfo: {exc}"[:200], self.broker) from exc
        if not isinstance(userinfo, dict):
            raise LoginRejected("token", "userinfo: no JSON object", self.broker)
        if not isinstance(sub, str) or userinfo.get("sub") != sub:
            # Whose answer it was stays out of the audit trail: it is someone's identifier.
            raise LoginRejected("token", "userinfo sub is not the ID token's", self.broker)
        return userinfo

    def save_authorize_data(self, request, **kwargs):
        # The state's data (nonce, PKCE verifier, redirect URI) also names the broker, so one
        # callback address serves every broker and the answer is checked against the right one.
        kwargs["broker_id"] = self.broker.pk
        super().save_authorize_data(request, **kwargs)

    def fetch_jwk_set(self, force=False):
        jwks = super().fetch_jwk_set(force=force)
        if force:  # an unknown key id: the broker rotated its keys; share the new set
            _store_metadata(self.broker, {**self._cached, "jwks": jwks})
        return jwks

    def parse_id_token(self, token, nonce, claims_options=None, claims_cls=None, leeway=120):
        """Verify the ID token: signature, issuer, audience, expiry, issued-at and nonce."""
        if not token.get("id_token"):
            raise LoginRejected("token", "no id_token in the token response", self.broker)
        options = {
            "iss": {"essential": True, "value": self.issuer},
            "aud": {"essential": True, "value": self.client_id},
            "sub": {"essential": True},
            "nonce": {"essential": True},
        }
        claims = super().parse_id_token(token, nonce, claims_options=options, leeway=leeway)
        # Our client id must be the only audience (OpenID Connect Core 3.1.3.7, step 3).
        if claims.get("aud") not in (self.client_id, [self.client_id]):
            raise InvalidClaimError("aud")
        return dict(claims)


def _present(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def start_login(request, broker: Broker):
    """Redirect to the broker's authorization endpoint, asking for EH3."""
    client = BrokerClient(broker)
    return client.authorize_redirect(request, callback_url(), acr_values=REQUESTED_ACR)


def finish_login(request) -> tuple[Broker, dict]:
    """Check the broker's answer at the callback and return the broker and the verified
    claims under our names (`BrokerClient.eherkenning_claims`), read from userinfo too where
    the ID token lacks them.

    Raises LoginRejected or BrokerUnavailable; the state is used up either way.
    """
    state = request.GET.get("state") or ""
    framework = DjangoIntegration(STATE_NAMESPACE)
    data = framework.get_state_data(request.session, state) if state else None
    if not data:
        raise LoginRejected("state", "unknown or expired state")
    broker = Broker.objects.filter(pk=data.get("broker_id"), active=True).first()
    if broker is None:
        framework.clear_state_data(request.session, state)
        raise LoginRejected("state", "broker no longer active")
    try:
        client = BrokerClient(broker)
    except BrokerUnavailable as exc:
        framework.clear_state_data(request.session, state)
        raise BrokerUnavailable(str(exc), broker) from exc
    # RFC 9207: an answer that names another issuer comes from another broker (mix-up attack).
    answered_by = request.GET.get("iss")
    if answered_by is not None and answered_by != client.issuer:
        framework.clear_state_data(request.session, state)
        raise LoginRejected("token", f"iss parameter {answered_by!r}", broker)
    if request.GET.get("error"):
        framework.clear_state_data(request.session, state)
        raise LoginRejected("cancelled", request.GET["error"][:100], broker)
    try:
        token = client.authorize_access_token(request)
    except OAuthError as exc:
        raise LoginRejected("token", f"{exc.error}: {exc.description}"[:200], broker) from exc
    except JoseError as exc:
        raise LoginRejected("token", f"{type(exc).__name__}: {exc}"[:200], broker) from exc
    except requests.RequestException as exc:
        raise BrokerUnavailable(str(exc), broker) from exc
    except ValueError as exc:  # a token response that is not JSON
        raise LoginRejected("token", str(exc)[:200], broker) from exc
    # Authlib keeps the verified ID token's claims under "userinfo"; the endpoint is not read.
    id_claims = token.get("userinfo")
    if not id_claims:
        raise LoginRejected("token", "no verified ID token", broker)
    return broker, client.eherkenning_claims(token, dict(id_claims))
