"""GET /api/v1/ping and GET /api/v1/health."""

import json

import pytest
from django.test import Client

from knooppunt.audit.models import AuditEvent
from knooppunt.testing.api import auth, make_credential, problem
from knooppunt.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory(naam="Gemeente Pingdorp", gemeentecode="0363")


def test_ping_answers_with_the_credentials_organisation_and_product(organisation):
    credential, key = make_credential(organisation, "ijw", name="Suite4Jeugd productie")
    response = Client().get("/api/v1/ping", **auth(key))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["organisatie"] == {
        "id": organisation.pk,
        "naam": "Gemeente Pingdorp",
        "type": "gemeente",
        "agb_code": "",
        "gemeentecode": "0363",
    }
    assert body["product"] == {"code": "ijw", "naam": "iJw"}
    assert body["koppeling"]["naam"] == "Suite4Jeugd productie"
    assert body["koppeling"]["sleutel"] == "huidig"


def test_ping_writes_no_audit_event_but_keeps_the_last_use(organisation):
    credential, key = make_credential(organisation, "iwmo")
    Client().get("/api/v1/ping", **auth(key), REMOTE_ADDR="192.0.2.9")
    assert not AuditEvent.objects.filter(action="webservice.call").exists()
    credential.refresh_from_db()
    assert credential.last_used_ip == "192.0.2.9" and credential.last_used_at is not None


@pytest.mark.urls("knooppunt.api.tests.urls")
def test_every_other_call_is_audited_with_the_credential_as_actor(organisation):
    credential, key = make_credential(organisation, "iwmo")
    assert Client().get("/api/v1/proef", **auth(key)).status_code == 200
    event = AuditEvent.objects.filter(action="webservice.call").get()
    assert event.actor_kind == "api"
    assert event.actor_id == credential.pk
    assert event.actor_username == credential.name
    assert event.organisation_id == organisation.pk
    assert event.details["route"] == "api/v1/proef"
    assert event.details["status"] == 200
    credential.refresh_from_db()
    assert credential.last_used_at is not None
    assert credential.last_used_ip == "127.0.0.1"


def test_health_needs_no_key_and_names_its_parts(organisation):
    response = Client().get("/api/v1/health")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "onderdelen": {"database": "ok", "taakwachtrij": "ok"},
    }
    assert not AuditEvent.objects.filter(action="webservice.call").exists()


def test_health_answers_503_when_the_job_queue_is_unreachable(organisation, monkeypatch):
    from knooppunt.api import views

    monkeypatch.setattr(views, "_queue_table", lambda: "no_such_table_at_all")
    response = Client().get("/api/v1/health")
    assert response.status_code == 503
    body = problem(response)
    assert body["type"] == "urn:knooppunt:probleem:niet-beschikbaar"
    assert body["onderdelen"] == {"database": "ok", "taakwachtrij": "onbereikbaar"}
