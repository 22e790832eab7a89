"""The integrators' guide (docs/webservice.md): its curl examples run against a live server and
answer what the guide says they answer; and the portal shows the guide. The examples of the API's
own endpoints are run here; those of a product app's endpoints by that app's tests (with a world
of its own objects), through `examples(app=...)`."""

import json
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import Resolver404, resolve

from knooppunt.testing.api import make_credential
from knooppunt.testing.factories import OrganisationFactory

BLOCK = re.compile(r"```(\w*)\n(.*?)```", re.DOTALL)
# Values the guide's examples show literally; everything else (ids, moments) only by shape.
LITERAL = {"type", "title", "status", "detail", "instance", "product", "onderdelen", "sleutel"}


URL = re.compile(r"\$KNOOPPUNT_URL(/[^\"?\s]*)")


def app_of(command: str) -> str:
    """The app whose view answers the example's address: `knooppunt.api`, `knooppunt.exchange`."""
    match = URL.search(command)
    try:
        view = resolve(match.group(1)).func if match else None
    except Resolver404:
        view = None
    owner = getattr(view, "view_class", None) or getattr(view, "cls", None) or view
    return ".".join(getattr(owner, "__module__", "knooppunt.api").split(".")[:2])


def examples(app: str = "knooppunt.api") -> list[tuple[str, str | None, str]]:
    """(shell command, the kind of the expected block or None, its text), in the guide's order:
    every ```sh block of this app's endpoints, with the ```json or ```http block right after it,
    if any."""
    text = Path(django_settings.KNOOPPUNT_API_GUIDE).read_text(encoding="utf-8")
    blocks = [(m.group(1), m.group(2), m.start(), m.end()) for m in BLOCK.finditer(text)]
    found = []
    for index, (kind, body, _start, end) in enumerate(blocks):
        if kind != "sh":
            continue
        if app_of(body) != app:
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if following and following[0] in ("json", "http") and not text[end : following[2]].strip():
            found.append((body, following[0], following[1]))
        else:
            found.append((body, None, ""))
    return found


def _same_shape(expected, actual, path="$"):
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        assert set(expected) == set(actual), (path, sorted(expected), sorted(actual))
        for key, value in expected.items():
            if key in LITERAL and not isinstance(value, dict):
                assert actual[key] == value, (f"{path}.{key}", value, actual[key])
            else:
                _same_shape(value, actual[key], f"{path}.{key}")
    elif expected is not None:
        assert actual is None or isinstance(actual, type(expected)), (path, expected, actual)


def _check_http(expected: str, output: str):
    lines = [line for line in expected.strip().splitlines() if line.strip()]
    status = lines[0].split()[1]
    head = output.replace("\r\n", "\n").strip().split("\n\n")[0].splitlines()
    assert head[0].split()[1] == status, (head[0], status)
    headers = {}
    for line in head[1:]:
        name, _sep, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    for line in lines[1:]:
        name, _sep, value = line.partition(":")
        got = headers.get(name.strip().lower())
        assert got is not None, (name, headers)
        if name.lower().startswith("x-b3") or name.lower() == "content-type":
            assert got.startswith(value.strip()), (name, got)


def test_the_guide_has_examples():
    found = examples()
    assert len(found) >= 4
    assert all("curl" in command for command, _kind, _text in found)


def test_every_curl_example_answers_as_the_guide_says(live_server, live_db):
    organisation = OrganisationFactory(naam="Gemeente Voorbeeldstad")
    _c, key = make_credential(organisation, "iwmo")
    _c, wlz_key = make_credential(organisation, "wlz-registertoets")
    environment = {
        "PATH": "/usr/bin:/bin",
        "KNOOPPUNT_URL": live_server.url,
        "KNOOPPUNT_SLEUTEL": key,
        "KNOOPPUNT_SLEUTEL_WLZ": wlz_key,  # the Wlz-Registertoets section's own key
    }
    for command, kind, expected in examples():
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", command],
            capture_output=True,
            text=True,
            env=environment,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, (command, done.stderr)
        if kind == "json":
            _same_shape(json.loads(expected), json.loads(done.stdout))
        elif kind == "http":
            _check_http(expected, done.stdout)


@pytest.mark.django_db
def test_the_portal_shows_the_guide_without_login():
    response = Client().get("/webservice/handleiding/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1" in page and "Handleiding webservice" in page
    assert "Authorization: Bearer" in page
