"""The API's conventions on every call: problem details, the rate limit, the trace headers, the
body limit, refused keys audited at a bounded rate."""

import json

import pytest
from django.test import Client, override_settings
from rest_framework.response import Response

from knooppunt.audit.models import AuditEvent
from knooppunt.testing.api import auth, make_credential, problem
from knooppunt.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
TRACE = "463ac35c9f6413ad48485a3953bb6124"
SPAN = "a2fb4a1d1a96d312"


@pytest.fixture
def key():
    return make_credential(OrganisationFactory(), "iwmo")[1]


# --- problem details ---------------------------------------------------------------------


def test_no_key_is_a_401_problem_in_dutch():
    response = Client().get("/api/v1/ping")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="knooppunt"'
    body = problem(response)
    assert body["type"] == "urn:knooppunt:probleem:sleutel-ontbreekt"
    assert body["title"] == "Sleutel ontbreekt"
    assert body["instance"] == "/api/v1/ping"
    assert body["errors"] == []


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer kort", "Basic dXNlcjpwYXNz", "Bearer " + "a" * 8 + "." + "b" * 39]
)
def test_a_malformed_key_is_a_401_problem(header):
    response = Client().get("/api/v1/ping", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert problem(response)["type"] == "urn:knooppunt:probleem:sleutel-ongeldig"


def test_an_unknown_path_is_a_404_problem_not_the_portals_page(key):
    for path in ("/api/v1/bestaat-niet", "/api/v1/ping/", "/api/v2/ping", "/api/"):
        response = Client().get(path, **auth(key))
        assert response.status_code == 404, path
        assert problem(response)["type"] == "urn:knooppunt:probleem:niet-gevonden"
    response = Client().post("/api/v1/bestaat-niet", data="{}", content_type="application/json")
    assert response.status_code == 404


def test_a_method_the_endpoint_does_not_have_is_a_405_problem_with_allow(key):
    response = Client().delete("/api/v1/ping", **auth(key))
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert problem(response)["type"] == "urn:knooppunt:probleem:methode-niet-toegestaan"


def test_an_unacceptable_accept_header_is_a_406_problem(key):
    response = Client().get("/api/v1/ping", HTTP_ACCEPT="text/html", **auth(key))
    assert response.status_code == 406
    problem(response)


def test_a_bug_in_a_view_is_a_500_problem_not_html(key, monkeypatch):
    from knooppunt.api import views

    def broken(self, request):
        raise RuntimeError("stuk")

    monkeypatch.setattr(views.PingView, "get", broken)
    response = Client(raise_request_exception=False).get("/api/v1/ping", **auth(key))
    assert response.status_code == 500
    body = problem(response)
    assert body["type"] == "urn:knooppunt:probleem:interne-fout"
    assert "stuk" not in response.content.decode()


def test_a_refusal_from_outside_the_view_is_still_a_problem(key):
    # A Host header Django refuses (DisallowedHost) is answered by Django before any view.
    response = Client().get("/api/v1/ping", HTTP_HOST="evil.example", **auth(key))
    assert response.status_code == 400
    problem(response)


# --- body limit --------------------------------------------------------------------------


@override_settings(KNOOPPUNT_API_MAX_BODY_BYTES=100)
def test_a_body_over_the_limit_is_a_413_before_it_is_read(key):
    response = Client().post(
        "/api/v1/ping", data="x" * 101, content_type="application/json", **auth(key)
    )
    assert response.status_code == 413
    body = problem(response)
    assert body["type"] == "urn:knooppunt:probleem:verzoek-te-groot"
    assert "100 bytes" in body["detail"]


def test_a_content_length_that_is_no_number_is_a_400(key):
    response = Client().get("/api/v1/ping", CONTENT_LENGTH="veel", **auth(key))
    assert response.status_code == 400
    problem(response)


# --- rate limit --------------------------------------------------------------------------


@override_settings(KNOOPPUNT_API_RATE_LIMIT=3, KNOOPPUNT_API_RATE_WINDOW_SECONDS=60)
def test_over_the_limit_a_credential_gets_429_with_retry_after(key):
    client = Client()
    for _n in range(3):
        assert client.get("/api/v1/ping", **auth(key)).status_code == 200
    response = client.get("/api/v1/ping", **auth(key))
    assert response.status_code == 429
    seconds = int(response["Retry-After"])
    assert 1 <= seconds <= 60
    body = problem(response)
    assert body["type"] == "urn:knooppunt:probleem:te-veel-verzoeken"
    assert str(seconds) in body["detail"]
    assert client.get("/api/v1/ping", **auth(key)).status_code == 429
    # Audited once per window, not once per refused call; no call event for a 429.
    assert AuditEvent.objects.filter(action="webservice.throttled").count() == 1


@override_settings(KNOOPPUNT_API_RATE_LIMIT=2)
def test_the_limit_is_per_credential():
    organisation = OrganisationFactory()
    _c, first = make_credential(organisation, "iwmo")
    _c, second = make_credential(organisation, "iwmo")
    client = Client()
    for _n in range(2):
        client.get("/api/v1/ping", **auth(first))
    assert client.get("/api/v1/ping", **auth(first)).status_code == 429
    assert client.get("/api/v1/ping", **auth(second)).status_code == 200


@override_settings(KNOOPPUNT_API_RATE_LIMIT=100)
def test_a_credentials_own_limit_overrides_the_default():
    credential, key = make_credential(OrganisationFactory(), "iwmo")
    credential.rate_limit = 1
    credential.save(update_fields=["rate_limit"])
    client = Client()
    assert client.get("/api/v1/ping", **auth(key)).status_code == 200
    assert client.get("/api/v1/ping", **auth(key)).status_code == 429


@override_settings(KNOOPPUNT_API_RATE_LIMIT=2)
@pytest.mark.urls("knooppunt.api.tests.urls")
def test_calls_whose_handler_audits_itself_count_too(key, monkeypatch):
    from knooppunt.api.tests.urls import ProefView
    from knooppunt.audit import services as audit_services

    def get(self, request):  # as a handler whose service wrote an event of its own
        audit_services.recorded.get().append("proef")
        return Response({})

    monkeypatch.setattr(ProefView, "get", get)
    client = Client()
    assert [client.get("/api/v1/proef", **auth(key)).status_code for _n in range(3)] == [
        200,
        200,
        429,
    ]
    assert not AuditEvent.objects.filter(action="webservice.call").exists()


@override_settings(KNOOPPUNT_API_RATE_LIMIT=2)
@pytest.mark.urls("knooppunt.api.tests.urls")
def test_a_call_refused_by_the_rule_counts_against_the_limit():
    _c, key = make_credential(OrganisationFactory(), "ijw")
    client = Client()
    assert client.get("/api/v1/proef/iwmo", **auth(key)).status_code == 403
    assert client.get("/api/v1/ping", **auth(key)).status_code == 200
    assert client.get("/api/v1/ping", **auth(key)).status_code == 429


def test_the_window_slides_from_the_previous_one():
    from knooppunt.api import ratelimit

    store = ratelimit.DatabaseStore()
    for _n in range(10):
        store.hit("proef", 60, 120.0)
    hit = store.hit("proef", 60, 195.0)  # the next window, a quarter in
    assert (hit.hits, hit.previous_hits, hit.window_start) == (1, 10, 180)
    assert hit.estimate(195.0) == pytest.approx(1 + 10 * 0.75)
    assert hit.retry_after(195.0, 5) == 21  # 1 + 10 * (1 - e) < 5 once e > 0.6: at 216
    later = store.hit("proef", 60, 400.0)  # windows later: both start afresh
    assert (later.hits, later.previous_hits) == (1, 0)


@pytest.mark.parametrize("now", [130.0, 195.0, 400.0, 100.0])  # same, next, later, lagging
def test_the_counter_read_with_the_key_predicts_the_upsert(now):
    from knooppunt.api import ratelimit
    from knooppunt.api.models import RateCounter

    store = ratelimit.DatabaseStore()
    assert ratelimit.peek(None, 60, now) == store.hit("nieuw", 60, now)
    for _n in range(4):
        store.hit("proef", 60, 120.0)
    row = RateCounter.objects.get(key="proef")
    stored = (row.hits, row.previous_hits, row.window_start)
    assert ratelimit.peek(stored, 60, now) == store.hit("proef", 60, now)


def test_the_key_the_authentication_reads_is_the_key_the_throttle_counts():
    from django.db import connection

    from knooppunt.api import ratelimit

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {ratelimit.credential_key_sql('c.id')} FROM (SELECT 42 AS id) c")
        assert cursor.fetchone()[0] == ratelimit.credential_key(42) == "credential:42:default"


# --- trace headers -----------------------------------------------------------------------


@pytest.mark.urls("knooppunt.api.tests.urls")
def test_trace_headers_are_returned_and_stored_on_the_audit_event(key):
    response = Client().get(
        "/api/v1/proef", HTTP_X_B3_TRACEID=TRACE, HTTP_X_B3_SPANID=SPAN, **auth(key)
    )
    assert response.status_code == 200
    assert response["X-B3-TraceId"] == TRACE
    assert response["X-B3-SpanId"] == SPAN
    assert AuditEvent.objects.get(action="webservice.call").trace_id == TRACE
    ping = Client().get("/api/v1/ping", HTTP_X_B3_TRACEID=TRACE, **auth(key))
    assert json.loads(ping.content)["trace_id"] == TRACE


def test_an_all_zero_trace_id_starts_a_new_trace(key):
    response = Client().get("/api/v1/ping", HTTP_X_B3_TRACEID="0" * 32, **auth(key))
    assert response.status_code == 200
    assert response["X-B3-TraceId"] != "0" * 32


@pytest.mark.urls("knooppunt.api.tests.urls")
def test_without_trace_headers_a_call_gets_new_ones(key):
    response = Client().get("/api/v1/proef", **auth(key))
    assert len(response["X-B3-TraceId"]) == 32 and len(response["X-B3-SpanId"]) == 16
    event = AuditEvent.objects.get(action="webservice.call")
    assert event.trace_id == response["X-B3-TraceId"]


def test_errors_carry_the_trace_too():
    response = Client().get("/api/v1/ping", HTTP_X_B3_TRACEID=TRACE)
    assert response.status_code == 401
    assert response["X-B3-TraceId"] == TRACE
    assert problem(response)["trace_id"] == TRACE
    event = AuditEvent.objects.filter(action="webservice.refused").first()
    assert event is None  # no key at all is not a refusal of a key


def test_a_refused_key_is_audited_with_the_trace_id():
    response = Client().get(
        "/api/v1/ping", HTTP_AUTHORIZATION="Bearer onzin", HTTP_X_B3_TRACEID=TRACE
    )
    assert response.status_code == 401
    assert AuditEvent.objects.get(action="webservice.refused").trace_id == TRACE


@pytest.mark.urls("knooppunt.api.tests.urls")
@override_settings(KNOOPPUNT_API_RATE_LIMIT=1)
def test_the_limit_reached_is_audited_with_the_trace_id(key):
    Client().get("/api/v1/proef", **auth(key))
    response = Client().get("/api/v1/proef", HTTP_X_B3_TRACEID=TRACE, **auth(key))
    assert response.status_code == 429
    assert AuditEvent.objects.get(action="webservice.throttled").trace_id == TRACE


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_X_B3_TRACEID": "xyz"},
        {"HTTP_X_B3_TRACEID": TRACE.upper()},
        {"HTTP_X_B3_SPANID": "123"},
    ],
)
def test_a_malformed_trace_header_is_a_400_problem(key, headers):
    response = Client().get("/api/v1/ping", **headers, **auth(key))
    assert response.status_code == 400
    body = problem(response)
    assert body["type"] == "urn:knooppunt:probleem:ongeldige-trace-header"
    assert body["errors"][0]["header"].startswith("X-B3-")
    assert len(response["X-B3-TraceId"]) == 32


# --- refusals, audited at a bounded rate ---------------------------------------------------


def test_refused_keys_are_audited_at_most_once_a_minute_per_address_and_reason():
    client = Client()
    wrong = "Bearer " + "A" * 8 + "." + "B" * 40
    for _n in range(20):
        assert client.get("/api/v1/ping", HTTP_AUTHORIZATION=wrong).status_code == 401
    events = AuditEvent.objects.filter(action="webservice.refused")
    assert events.count() == 1
    assert events.get().details == {
        "reason": "unknown",
        "prefix": "AAAAAAAA",
        "method": "GET",
        "path": "/api/v1/ping",
    }
    client.get("/api/v1/ping", HTTP_AUTHORIZATION="Bearer onzin")  # another reason
    assert events.count() == 2


def test_an_organisation_without_the_product_any_more_is_refused():
    organisation = OrganisationFactory(products=["iwmo", "ijw"])
    _c, key = make_credential(organisation, "ijw")
    organisation.products.set(organisation.products.exclude(code="ijw"))
    response = Client().get("/api/v1/ping", **auth(key))
    assert response.status_code == 403
    assert problem(response)["type"] == "urn:knooppunt:probleem:organisatie-geblokkeerd"


def test_an_organisation_behind_the_agreements_gate_is_refused():
    organisation = OrganisationFactory()
    _c, key = make_credential(organisation, "iwmo")
    organisation.agreements.all().delete()
    response = Client().get("/api/v1/ping", **auth(key))
    assert response.status_code == 403
    assert problem(response)["type"] == "urn:knooppunt:probleem:organisatie-geblokkeerd"


def test_installing_drf_leaves_the_portals_dutch_form_errors_as_they_were():
    from django import forms
    from django.utils import translation

    with translation.override("nl"), pytest.raises(forms.ValidationError) as raised:
        forms.CharField().clean("")
    assert raised.value.messages == ["Dit veld is verplicht."]
