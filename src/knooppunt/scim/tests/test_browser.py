"""The Koppelingen page in chromium, without JavaScript needed, with axe-core on every page:
issue a token, see it once, use it, see its last use, revoke it."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from knooppunt.testing.factories import AdministratorFactory, OrganisationFactory

pytestmark = pytest.mark.browser


def test_issue_use_and_revoke_a_token(page, live_server, live_db, assert_accessible):
    organisation = OrganisationFactory(naam="Gemeente Koppelstad", domains=["koppelstad.nl"])
    admin = AdministratorFactory(organisation=organisation, email="beheer@koppelstad.nl")
    client = Client()
    client.force_login(admin)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto("/gebruikers/")
    page.get_by_role("navigation", name="Gebruikersbeheer").get_by_role(
        "link", name="Koppelingen"
    ).click()
    expect(page.get_by_role("heading", name="Koppelingen", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Naam").fill("Entra ID")
    page.get_by_label("Toegestane IP-adressen of netwerken").fill("127.0.0.1")
    page.get_by_role("button", name="Koppeling aanmaken").click()
    expect(page.get_by_role("heading", name="Koppeling aangemaakt")).to_be_visible()
    assert_accessible(page)
    secret = page.get_by_label("Token (geheime sleutel)").input_value()
    assert secret.startswith("kpscim_")

    response = page.request.get(
        f"{live_server.url}/scim/v2/Users", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status == 200 and response.json()["totalResults"] == 1

    page.get_by_role("link", name="Verder").click()
    expect(page.get_by_role("cell", name="Entra ID", exact=True)).to_be_visible()
    expect(page.get_by_text("(127.0.0.1)")).to_be_visible()  # last used, and from where
    assert secret not in page.content()
    page.get_by_role("link", name="Intrekken Entra ID").click()
    assert_accessible(page)
    page.get_by_role("button", name="Ja").click()
    expect(page.get_by_text("De koppeling is ingetrokken.")).to_be_visible()
    assert_accessible(page)
    refused = page.request.get(
        f"{live_server.url}/scim/v2/Users", headers={"Authorization": f"Bearer {secret}"}
    )
    assert refused.status == 401
