"""The OpenAPI 3.1 document, and schemathesis against it on a live server with a valid key: all
checks, a fixed seed, bounded examples. Every endpoint registered later is in the document, so it
is tested here the day it lands."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from knooppunt.testing.api import make_credential
from knooppunt.testing.factories import OrganisationFactory

SEED = 20261201
# Per-operation expectations (an operation whose schema-valid bodies are still refused by its
# own rules); also read by `schemathesis run` started from the project's root.
CONFIG = Path(__file__).resolve().parents[4] / "schemathesis.toml"
MAX_EXAMPLES = int(os.environ.get("KNOOPPUNT_SCHEMATHESIS_EXAMPLES", 25))


@pytest.mark.django_db
def test_the_document_is_openapi_3_1_without_a_key():
    response = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["webservicesleutel"]["scheme"] == "bearer"
    ping = document["paths"]["/api/v1/ping"]["get"]
    assert ping["security"] == [{"webservicesleutel": []}]
    for code in ("400", "401", "403", "406", "429"):
        assert "application/problem+json" in ping["responses"][code]["content"], code
    assert "Retry-After" in ping["responses"]["429"]["headers"]
    assert "X-B3-TraceId" in ping["responses"]["200"]["headers"]
    health = document["paths"]["/api/v1/health"]["get"]
    assert "401" not in health["responses"]
    assert "/api/v1/schema/" not in document["paths"]


@pytest.mark.django_db
def test_the_document_page_is_served_from_our_own_static_files():
    response = Client().get("/api/v1/docs/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "http" not in page.replace('lang="', "")  # no CDN, no absolute address at all
    assert "<style" not in page and "<script>" not in page  # nothing inline for the CSP


def test_schemathesis_finds_nothing(live_server, live_db, settings, tmp_path):
    settings.KNOOPPUNT_API_RATE_LIMIT = 1_000_000
    _c, key = make_credential(OrganisationFactory(), "iwmo")
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(CONFIG),
        "run",
        f"{live_server.url}/api/v1/schema/",
        "--checks",
        "all",
        "--seed",
        str(SEED),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--generation-database",
        "none",
        "--header",
        f"Authorization: Bearer {key}",
        "--request-timeout",
        "20",
        "--no-color",
        "--warnings",
        "off",
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    assert "No issues found" in output, output[-3000:]
