"""SCIM tokens: kept as a keyed hash, refused when unknown, revoked, expired, from an address
outside the allowed networks or for an organisation behind the agreements gate."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from knooppunt.access.rules import AccessRefused
from knooppunt.audit.models import AuditEvent
from knooppunt.scim import services, tokens
from knooppunt.scim.models import ScimToken
from knooppunt.testing.factories import AdministratorFactory, OrganisationFactory, UserFactory

from .conftest import Scim, make_scim

pytestmark = pytest.mark.django_db


def _get(scim, secret=None, **extra):
    secret = scim.secret if secret is None else secret
    return scim.client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {secret}", **extra)


def test_only_a_keyed_hash_is_kept(scim):
    token = ScimToken.objects.get()
    assert token.token_hash == tokens.token_hash(scim.secret) != scim.secret
    assert scim.secret not in str(list(ScimToken.objects.values()))
    assert token.prefix == scim.secret[:13]
    event = AuditEvent.objects.get(action="scim.token_issue")
    assert event.actor_username == scim.admin.username and scim.secret not in str(event.details)


def test_unknown_and_missing_tokens_are_401(scim):
    for header in ("", "Bearer", "Basic abc", f"Bearer {scim.secret}x"):
        response = scim.client.get("/scim/v2/Users", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        import json

    body = json.loads(response.content)
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


def test_a_revoked_token_stops_at_once(scim):
    assert _get(scim).status_code == 200
    services.revoke_token(scim.admin, scim.token)
    assert _get(scim).status_code == 401
    assert not services.revoke_token(scim.admin, scim.token)  # twice: nothing more


def test_an_expired_token_is_refused(db):
    organisation = OrganisationFactory()
    admin = AdministratorFactory(organisation=organisation)
    token, secret = services.issue_token(
        admin, organisation, name="Tijdelijk", expires_on=datetime.date(2026, 12, 31)
    )
    scim = Scim(Client(), secret, token, admin)
    with time_machine.travel(datetime.datetime(2026, 12, 31, 12, tzinfo=datetime.UTC)):
        assert _get(scim).status_code == 200
    with time_machine.travel(datetime.datetime(2027, 1, 2, 12, tzinfo=datetime.UTC)):
        assert _get(scim).status_code == 401


def test_allowed_networks(db):
    scim = make_scim(networks=tokens.parse_networks("192.0.2.0/24\n2001:db8::1"))
    assert _get(scim, REMOTE_ADDR="192.0.2.77").status_code == 200
    assert _get(scim, REMOTE_ADDR="2001:db8::1").status_code == 200
    refused = _get(scim, REMOTE_ADDR="198.51.100.1")
    assert refused.status_code == 403 and refused.json()["status"] == "403"
    with pytest.raises(ValueError, match="geen IP-adres"):
        tokens.parse_networks("10.0.0.0/8 lokaal")


def test_an_organisation_behind_the_agreements_gate_provisions_nothing(db):
    organisation = OrganisationFactory(agreements_signed=False)
    admin = AdministratorFactory(organisation=organisation)
    with pytest.raises(AccessRefused):
        services.issue_token(admin, organisation, name="x")
    scim = make_scim()
    scim.organisation.agreements.all().delete()
    assert _get(scim).status_code == 403


def test_last_use_is_noted(scim):
    assert ScimToken.objects.get().last_used_at is None
    _get(scim, REMOTE_ADDR="127.0.0.9")
    token = ScimToken.objects.get()
    assert token.last_used_at is not None and token.last_used_ip == "127.0.0.9"


def test_who_may_issue(db):
    organisation = OrganisationFactory()
    with pytest.raises(AccessRefused):
        services.issue_token(UserFactory(organisation=organisation), organisation, name="x")
    admin = AdministratorFactory(organisation=organisation)
    with pytest.raises(AccessRefused):
        services.issue_token(admin, OrganisationFactory(), name="x")
    services.issue_token(admin, organisation, name="Entra ID")
    with pytest.raises(ValidationError):
        services.issue_token(admin, organisation, name=" entra   id ")
    with pytest.raises(ValidationError):
        services.issue_token(admin, organisation, name="   ")


def test_a_token_issues_no_tokens(scim):
    with pytest.raises(AccessRefused):
        services.issue_token(scim.token.as_principal(), scim.organisation, name="nog een")


def test_a_database_outage_is_a_scim_503(rf):
    from knooppunt.core.errors import service_unavailable

    response = service_unavailable(rf.get("/scim/v2/Users"))
    assert response.status_code == 503 and response["Retry-After"] == "60"
    import json

    body = json.loads(response.content)
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
