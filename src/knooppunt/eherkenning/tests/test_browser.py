"""Browser tests of the eHerkenning login against the real test broker: the first login with
registration and verification code, the next login, the refusals and the administrator's tab.
Every page of the portal they visit is checked with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from knooppunt.access import rules
from knooppunt.access.models import Product
from knooppunt.access.principals import COMMAND_LINE
from knooppunt.accounts.models import Status, User
from knooppunt.eherkenning.models import Identity
from knooppunt.eherkenning.services import create_broker
from knooppunt.testing.broker import CLIENT_ID, CLIENT_SECRET, LOA
from knooppunt.testing.browser import log_in_context
from knooppunt.testing.factories import AdministratorFactory, OrganisationFactory

from .conftest import KVK

pytestmark = pytest.mark.browser


@pytest.fixture
def scene(live_eherkenning_broker):
    organisation = OrganisationFactory(
        naam="Gemeente Proefstad", kvk_nummer=KVK, login_eherkenning=True, domains=["proefstad.nl"]
    )
    broker = create_broker(
        COMMAND_LINE,
        naam="Testmakelaar",
        issuer=live_eherkenning_broker.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )
    create_broker(
        COMMAND_LINE,
        naam="Andere makelaar",
        issuer="https://andere.example",
        client_id="x",
        client_secret="y",
    )
    administrator = AdministratorFactory(organisation=organisation, username="abeheer")
    return {"organisation": organisation, "broker": broker, "administrator": administrator}


def choose_broker(page, assert_accessible=None):
    page.goto("/inloggen/")
    page.get_by_role("link", name="Inloggen met eHerkenning").click()
    expect(page.get_by_role("heading", name="Inloggen met eHerkenning")).to_be_visible()
    if assert_accessible:
        assert_accessible(page)
    page.get_by_label("Testmakelaar").check()
    page.get_by_role("button", name="Verder").click()


def test_first_login_registration_verification_and_next_login(
    page, second_page, live_server, live_eherkenning_broker, scene, assert_accessible
):
    """BIDN 2.2 and 3.1 end to end: the person registers, the administrator passes on the code
    from the pending user's page, the person verifies, the administrator grants Gebruiker for
    iWmo, and the next login goes straight to the dashboard."""
    choose_broker(page, assert_accessible)
    # The broker's own login page (not ours): the person logs in with an EH3 means.
    page.get_by_label("Identificatie (sub)").fill("eh-jan")
    page.get_by_label("KvK-nummer").fill(KVK)
    page.get_by_label("Pseudoniem (pseudo_id)").fill("pseudo-jan")
    page.get_by_role("button", name="Inloggen").click()

    expect(page.get_by_role("heading", name="Persoonlijke instellingen")).to_be_visible()
    expect(page.get_by_text("namens Gemeente Proefstad")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile("^Voorletters")).fill("J.")
    page.get_by_label(re.compile("^Voornaam")).fill("Jan")
    page.get_by_label(re.compile("^Achternaam")).fill("Jansen")
    page.get_by_label(re.compile("^E-mail")).fill("info@proefstad.nl")
    page.get_by_label(re.compile("^Telefoonnummer")).fill("06 12345678")
    page.get_by_role("button", name="Opslaan").click()
    expect(
        page.locator("#id_email_error").get_by_text("Algemene adressen zoals info@")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile("^E-mail")).fill("jan.jansen@proefstad.nl")
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("heading", name="Verificatiecode")).to_be_visible()
    expect(page.get_by_text("uw gebruikersnaam is jjansen")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile("^Verificatiecode")).fill("FOUT2345")
    page.get_by_role("button", name="Verifieer").click()
    expect(
        page.locator("#id_code_error").get_by_text(
            "De verificatiecode is onjuist. U kunt het nog 4 keer proberen."
        )
    ).to_be_visible()
    assert_accessible(page)

    # The administrator, at another computer, finds the person on the dashboard tab and opens
    # the pending user's page, which shows the code to pass on by phone.
    admin = second_page
    log_in_context(admin.context, scene["administrator"], live_server.url)
    admin.goto("/")
    tab = admin.locator("#gebruikersbeheer")
    tab.get_by_role("link", name="jjansen").click()
    expect(admin.get_by_role("heading", name=re.compile(r"^Gebruiker wijzigen"))).to_be_visible()
    assert_accessible(admin)
    code = admin.locator(".verification .code").inner_text().strip()
    assert len(code) == 8

    page.get_by_label(re.compile("^Verificatiecode")).fill(code)
    page.get_by_role("button", name="Verifieer").click()
    expect(page.get_by_role("heading", name="Welkom")).to_be_visible()
    expect(page.get_by_text("Uw account is geverifieerd.")).to_be_visible()
    expect(page.get_by_text(re.compile("Welkom jjansen van Gemeente Proefstad"))).to_be_visible()
    assert_accessible(page)
    user = User.objects.get(email="jan.jansen@proefstad.nl")
    assert user.status == Status.ACTIVE
    iwmo = Product.objects.get(code="iwmo")
    assert not rules.can(user, "product.use", iwmo)  # no product until roles are granted

    # The administrator grants Gebruiker for iWmo and saves: that approves the registration.
    admin.reload()
    admin.get_by_role("group", name="iWmo").get_by_label("Gebruiker").check()
    admin.get_by_role("button", name="Wijzigingen Opslaan").first.click()
    expect(admin.get_by_text("De gebruiker is opgeslagen.")).to_be_visible()
    admin.goto("/")
    expect(admin.locator("#gebruikersbeheer").get_by_role("link", name="jjansen")).to_have_count(0)
    user.refresh_from_db()
    assert user.approved_at is not None
    assert rules.can(user, "product.use", iwmo)

    # The next login goes straight to the dashboard: no registration, no code.
    page.get_by_role("button", name="Log Uit").click()
    live_eherkenning_broker.queue_login(kvk=KVK, pseudo_id="pseudo-jan")
    choose_broker(page)
    expect(page.get_by_role("heading", name="Welkom")).to_be_visible()
    expect(page.get_by_text(re.compile("Welkom jjansen van"))).to_be_visible()
    assert User.objects.filter(email="jan.jansen@proefstad.nl").count() == 1


def test_level_too_low_is_refused(page, live_eherkenning_broker, scene, assert_accessible):
    choose_broker(page)
    page.get_by_label("Identificatie (sub)").fill("eh-laag")
    page.get_by_label("KvK-nummer").fill(KVK)
    page.get_by_label("Pseudoniem (pseudo_id)").fill("pseudo-laag")
    page.get_by_label("Betrouwbaarheidsniveau").select_option(LOA(2))
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Betrouwbaarheidsniveau te laag")).to_be_visible()
    expect(page.get_by_text("Uw eHerkenningsmiddel heeft niveau EH2.")).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_role("link", name="Opnieuw inloggen met eHerkenning")).to_be_visible()


def test_unknown_company_is_refused(page, live_eherkenning_broker, scene, assert_accessible):
    live_eherkenning_broker.queue_login(kvk="87654321", pseudo_id="pseudo-onbekend")
    choose_broker(page)
    expect(page.get_by_role("heading", name="Uw organisatie is niet bekend")).to_be_visible()
    expect(page.get_by_text("Met KvK-nummer 87654321 kunt u niet inloggen")).to_be_visible()
    assert_accessible(page)


def test_administrator_sees_the_pending_user_on_the_dashboard(
    page, live_eherkenning_broker, scene, assert_accessible
):
    organisation = scene["organisation"]
    User.objects.create(
        organisation=organisation,
        username="pwachtend",
        voorletters="P",
        voornaam="Piet",
        achternaam="Wachtend",
        email="piet.wachtend@proefstad.nl",
        status=Status.PENDING,
        self_registered=True,
        verification_code="ABCD2345",
    )
    Identity.objects.create(
        broker=scene["broker"],
        pseudo_id="pseudo-beheer",
        organisation=organisation,
        user=scene["administrator"],
    )
    live_eherkenning_broker.queue_login(kvk=KVK, pseudo_id="pseudo-beheer", acr=LOA(4))
    choose_broker(page)
    expect(page.get_by_role("heading", name="Welkom")).to_be_visible()
    expect(page.get_by_role("heading", name="Gebruikersbeheer")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("pwachtend"))
    expect(row.get_by_text("P Wachtend")).to_be_visible()
    expect(row.get_by_text("verificatiecode nog niet ingevoerd")).to_be_visible()
    assert_accessible(page)
