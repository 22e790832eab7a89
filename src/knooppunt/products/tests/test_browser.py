"""Browser tests: a Productbeheerder sets up notifications and a webservice credential on the
"Productinstellingen" tab in chromium, with axe-core on every page, the CSP on; and the
OpenAPI documentation page works under the strict CSP."""

import json
import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from knooppunt.testing.browser import axe_violations
from knooppunt.testing.factories import OrganisationFactory, UserFactory, grant

pytestmark = pytest.mark.browser


@pytest.fixture
def beheerder(live_db):
    organisation = OrganisationFactory(
        naam="Gemeente Koppelstad", domains=["koppelstad.example"], products=["iwmo", "ijw"]
    )
    user = UserFactory(organisation=organisation, email="pb@koppelstad.example")
    grant(user, "iwmo", "productbeheerder")
    grant(user, "ijw", "productbeheerder")
    return user


def test_productbeheerder_sets_up_notifications_and_a_credential(
    page, login_as, beheerder, assert_accessible, live_server
):
    login_as(beheerder)
    page.goto("/")
    page.get_by_role("link", name="Productinstellingen").click()
    expect(page.get_by_role("heading", name="iWmo")).to_be_visible()
    expect(page.get_by_role("link", name="iJw")).to_be_visible()  # a tab per managed product
    assert_accessible(page)

    page.get_by_label("E-mailadres voor meldingen").fill("berichten@koppelstad.example")
    page.get_by_role("button", name="Adres toevoegen").click()
    expect(page.get_by_text("berichten@koppelstad.example ontvangt nu")).to_be_visible()
    page.get_by_role("button", name="Testmail versturen naar berichten@koppelstad.example").click()
    expect(page.get_by_text("Er is een testmail verstuurd")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Nieuwe koppeling").click()
    assert_accessible(page)
    page.get_by_label("Naam").fill("Suite4Jeugd productie")
    page.get_by_label("Toegestane IP-adressen of netwerken (optioneel)").fill("127.0.0.0/8")
    page.get_by_role("button", name="Koppeling aanmaken").click()
    expect(page.get_by_role("heading", name="De koppeling is aangemaakt")).to_be_visible()
    key = page.get_by_label("Sleutel van “Suite4Jeugd productie”").input_value()
    assert re.fullmatch(r"[A-Za-z0-9]{8}\.[A-Za-z0-9]{40}", key)
    assert_accessible(page)

    answer = Client().get("/api/v1/ping", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert json.loads(answer.content)["organisatie"]["naam"] == "Gemeente Koppelstad"

    page.get_by_role("link", name="Terug naar Productinstellingen").click()
    row = page.get_by_role("row", name=re.compile("Suite4Jeugd productie"))
    expect(row).to_contain_text("Actief")
    expect(row).to_contain_text("127.0.0.0/8")
    assert key.split(".")[1] not in page.content()

    row.get_by_role("link", name="Vernieuwen").click()
    page.get_by_label("1 dag").check()
    assert_accessible(page)
    page.get_by_role("button", name="Nieuwe sleutel maken").click()
    expect(page.get_by_role("heading", name="De sleutel is vernieuwd")).to_be_visible()
    expect(page.get_by_text("De vorige sleutel werkt nog tot")).to_be_visible()
    page.get_by_role("link", name="Terug naar Productinstellingen").click()

    page.get_by_role("row", name=re.compile("Suite4Jeugd productie")).get_by_role(
        "link", name="Intrekken"
    ).click()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, intrekken").click()
    expect(page.get_by_role("row", name=re.compile("Suite4Jeugd productie"))).to_contain_text(
        "Ingetrokken"
    )
    assert_accessible(page)


def test_the_guide_is_linked_from_the_tab_and_accessible(
    page, login_as, beheerder, assert_accessible
):
    login_as(beheerder)
    page.goto("/productinstellingen/")
    page.get_by_role("link", name="Handleiding voor de webservice (voor uw leverancier)").click()
    expect(
        page.get_by_role("heading", name="Handleiding webservice voor integratoren")
    ).to_be_visible()
    assert_accessible(page)


def test_the_openapi_page_works_under_the_strict_csp(page):
    violations = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    page.goto("/api/v1/docs/")
    expect(page.get_by_text("Knooppunt webservice").first).to_be_visible()
    expect(page.get_by_text("/api/v1/ping").first).to_be_visible()
    assert violations == [], violations
    # Swagger UI's operation summaries nest a copy button inside a button (its own markup, not
    # ours to change); everything else passes axe. The accessible text of the same is the guide.
    found = [v["id"] for v in axe_violations(page)]
    assert set(found) <= {"nested-interactive"}, found
