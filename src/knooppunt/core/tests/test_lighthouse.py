"""Lighthouse (npm, on Debian's chromium) scores 100 for accessibility on the login page,
"Welkom", "Gebruikers" and "Gebruiker wijzigen"."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from knooppunt.testing.browser import CHROMIUM
from knooppunt.testing.factories import AdministratorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.browser
SCRIPT = Path(settings.BASE_DIR) / "frontend" / "lighthouse.mjs"


def test_lighthouse_accessibility_is_100(live_server, live_db):
    node = shutil.which("node")
    if node is None or not (Path(settings.BASE_DIR) / "node_modules" / "lighthouse").exists():
        pytest.fail("node and lighthouse are needed: run `make browser-deps`")
    organisation = OrganisationFactory(domains=["proefstad.nl"], products=["iwmo", "ijw"])
    admin = AdministratorFactory(organisation=organisation, email="beheer@proefstad.nl")
    colleague = UserFactory(organisation=organisation, email="piet.test@proefstad.nl")
    client = Client()
    client.force_login(admin)
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }
    pages = [
        {"url": live_server.url + reverse("accounts:login")},
        {"url": live_server.url + reverse("core:welcome"), "cookie": cookie},
        {"url": live_server.url + reverse("usermanagement:user_list"), "cookie": cookie},
        {
            "url": live_server.url + reverse("usermanagement:user_edit", args=[colleague.pk]),
            "cookie": cookie,
        },
    ]
    result = subprocess.run(  # noqa: S603
        [node, str(SCRIPT)],
        input=json.dumps({"chrome": CHROMIUM, "pages": pages}),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    scores = json.loads(result.stdout)
    assert [s["finalUrl"] for s in scores] == [p["url"] for p in pages]  # none sent to login
    assert [(s["url"], s["score"], s["failing"]) for s in scores] == [
        (p["url"], 1, []) for p in pages
    ]
