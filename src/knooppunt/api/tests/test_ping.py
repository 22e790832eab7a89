"""GET /api/v1/ping and GET /api/v1/health."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from knooppunt.audit.models import AuditEvent
from knooppunt.testing.api import auth, make_credential, problem
from knooppunt.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
TRACE = "463ac35c9f6413ad48485a3953bb6124"


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


def test_ping_writes_its_audit_event_with_the_trace_id(organisation):
    credential, key = make_credential(organisation, "iwmo")
    response = Client().get(
        "/api/v1/ping", **auth(key), HTTP_X_B3_TRACEID=TRACE, REMOTE_ADDR="192.0.2.9"
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="webservice.call")
    assert event.trace_id == TRACE
    assert (event.actor_kind, event.actor_id) == ("api", credential.pk)
    assert event.organisation_id == organisation.pk
    assert event.ip_address == "192.0.2.9"
    assert event.details == {
        "method": "GET",
        "route": "api/v1/ping",
        "status": 200,
        "key": "current",
    }
    credential.refresh_from_db()
    assert credential.last_used_ip == "192.0.2.9" and credential.last_used_at is not None


def test_every_ping_is_audited(organisation):
    _credential, key = make_credential(organisation, "iwmo")
    for _ in range(3):
        assert Client().get("/api/v1/ping", **auth(key)).status_code == 200
    assert AuditEvent.objects.filter(action="webservice.call").count() == 3


def test_a_ping_costs_one_read_and_one_write_transaction(organisation):
    """The credential with its organisation, product, agreements and rate counter in one SELECT;
    then one transaction (a savepoint inside the test's own) with the counter and the audit
    event. An added statement fails here; the bench's `api` case measures what they cost."""
    _credential, key = make_credential(organisation, "iwmo")
    Client().get("/api/v1/ping", **auth(key))  # the first call also writes the last use
    with CaptureQueriesContext(connection) as queries:
        assert Client().get("/api/v1/ping", **auth(key)).status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    counter = 'INSERT INTO "api_ratecounter"'
    if connection.vendor == "postgresql":  # with its commit not waiting for the disk
        counter = "WITH lazy AS (SELECT set_config('synchronous_commit', 'off', true)) " + counter
    expected = ['SELECT c."id"', "SAVEPOINT", counter, 'INSERT INTO "audit_auditevent"', "RELEASE"]
    assert len(statements) == len(expected), statements
    for statement, start in zip(statements, expected, strict=True):
        assert statement.startswith(start), statement


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
