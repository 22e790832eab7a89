"""Browser tests: an administrator walks Portero 3.1–3.4 and BIDN 3.1–3.3 in chromium, with
axe-core on every page it sees. Logged in through a session cookie made by Django's test client
(the login form has its own browser test)."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from knooppunt.access.models import RoleGrant
from knooppunt.accounts.models import Status, User
from knooppunt.organisations.models import ChangeRequest
from knooppunt.testing.factories import (
    AdministratorFactory,
    OrganisationFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.browser


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


@pytest.fixture
def office(live_db):
    organisation = OrganisationFactory(
        naam="Gemeente Proefstad",
        agb_code="12345678",
        woonplaats="Proefstad",
        domains=["proefstad.nl"],
        products=["iwmo", "ijw", "wlz-aanvragen"],
    )
    admin = AdministratorFactory(
        organisation=organisation,
        username="abeheer",
        voorletters="A",
        voornaam="Anna",
        achternaam="Beheer",
        email="anna.beheer@proefstad.nl",
    )
    people = {
        name: UserFactory(
            organisation=organisation,
            username=name,
            voorletters=name[0].upper(),
            voornaam=first,
            tussenvoegsel=tv,
            achternaam=last,
            email=email,
            last_login=timezone.now() - timezone.timedelta(days=days),
        )
        for name, first, tv, last, email, days in [
            ("ptest", "Piet", "van der", "Test", "piet.vandertest@proefstad.nl", 1),
            ("kboer", "Karin", "de", "Boer", "karin.deboer@proefstad.nl", 5),
            ("jnunez", "José", "", "Núñez", "jose.nunez@proefstad.nl", 9),
        ]
    }
    UserFactory(
        organisation=organisation,
        username="oudlid",
        achternaam="Vertrokken",
        status=Status.DELETED,
        email="",
        deletion_reason="Met pensioen sinds maart",
        deleted_at=timezone.now(),
    )
    return organisation, admin, people


def go(page, locator) -> None:
    """Click something that loads a page, and wait until the new page is there: click() itself
    does not wait for the navigation it starts."""
    with page.expect_navigation():
        locator.click()


def table_logins(page) -> list[str]:
    return page.locator("table.user-table tbody tr td:first-child a").all_inner_texts()


def test_portero_3_1_search_sort_and_deleted_users(page, live_server, office, assert_accessible):
    _organisation, admin, _people = office
    log_in(page, live_server, admin)
    page.goto("/")
    go(
        page,
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Gebruikers"),
    )
    expect(page.get_by_role("heading", name="Gebruikers", exact=True)).to_be_visible()
    assert_accessible(page)

    # Search by part of an e-mail address.
    page.get_by_label("Zoeken:").fill("vandertest@")
    go(page, page.get_by_role("button", name="Zoek"))
    assert table_logins(page) == ["ptest"]
    assert "zoeken=vandertest%40" in page.url  # the result can be bookmarked
    expect(page.get_by_text("1 gebruiker gevonden.")).to_be_visible()
    # Accent-insensitive.
    page.get_by_label("Zoeken:").fill("nunez")
    go(page, page.get_by_role("button", name="Zoek"))
    assert table_logins(page) == ["jnunez"]

    go(page, page.get_by_role("link", name="Wis Filter"))
    assert sorted(table_logins(page)) == ["abeheer", "jnunez", "kboer", "ptest"]

    # Sort by login name: first click ascending, second descending.
    go(page, page.get_by_role("link", name="Gebruikersnaam"))
    assert table_logins(page) == ["abeheer", "jnunez", "kboer", "ptest"]
    header = page.get_by_role("columnheader", name=re.compile("Gebruikersnaam"))
    assert header.get_attribute("aria-sort") == "ascending"
    go(page, page.get_by_role("link", name="Gebruikersnaam"))
    assert table_logins(page) == ["ptest", "kboer", "jnunez", "abeheer"]
    assert header.get_attribute("aria-sort") == "descending"
    assert_accessible(page)

    # Deleted users: hidden, then shown with the reason under "Opmerkingen", then hidden again.
    assert "oudlid" not in table_logins(page)
    page.get_by_label("Toon verwijderde gebruikers").check()
    go(page, page.get_by_role("button", name="Zoek"))
    row = page.get_by_role("row", name=re.compile("oudlid"))
    expect(row.get_by_text("Met pensioen sinds maart")).to_be_visible()
    expect(row.get_by_text("verwijderd")).to_be_visible()
    assert_accessible(page)
    go(page, page.get_by_role("link", name="Wis Filter"))
    assert "oudlid" not in table_logins(page)
    assert not page.get_by_label("Toon verwijderde gebruikers").is_checked()


def test_portero_3_2_create_a_user_and_follow_the_invitation(
    page, live_server, office, mail_outbox, assert_accessible, settings
):
    settings.KNOOPPUNT_BASE_URL = live_server.url
    _organisation, admin, _people = office
    log_in(page, live_server, admin)
    page.goto("/gebruikers/")
    go(page, page.get_by_role("link", name="Nieuwe gebruiker toevoegen"))
    expect(page.get_by_role("heading", name="Nieuwe gebruiker toevoegen")).to_be_visible()
    expect(page.get_by_text("Organisatie (")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("voorletters").fill("M")
    page.get_by_label("voornaam").fill("Mila")
    page.get_by_label("achternaam").fill("Jansen")
    email = page.get_by_label("email")

    # A role address is refused, with the message next to the field.
    email.fill("info@proefstad.nl")
    go(page, page.get_by_role("button", name="Wijzigingen Opslaan").first)
    expect(
        page.locator("#id_email_error").get_by_text("Algemene adressen zoals info@")
    ).to_be_visible()
    assert page.get_by_label("email").get_attribute("aria-invalid") == "true"
    assert_accessible(page)

    # So is an address outside the organisation's domains.
    page.get_by_label("email").fill("mila@gmail.com")
    go(page, page.get_by_role("button", name="Wijzigingen Opslaan").first)
    expect(page.locator("#id_email_error").get_by_text("proefstad.nl")).to_be_visible()

    page.get_by_label("email").fill("mila.jansen@proefstad.nl")
    go(page, page.get_by_role("button", name="Wijzigingen Opslaan").first)
    expect(page.get_by_text("De gebruiker is opgeslagen.")).to_be_visible()
    expect(
        page.get_by_role("heading", name=re.compile(r"Gebruiker wijzigen \(\d+\)"))
    ).to_be_visible()
    expect(page.locator("dl.summary").get_by_text("mjansen", exact=True)).to_be_visible()
    assert_accessible(page)
    go(page, page.get_by_role("link", name="Verder"))
    assert "mjansen" in table_logins(page)

    # The invitation: login name and a link to set a password.
    [mail] = mail_outbox.to("mila.jansen@proefstad.nl")
    assert "mjansen" in mail.body
    page.context.clear_cookies()
    page.goto(mail_outbox.last_link("mila.jansen@proefstad.nl"))
    expect(page.get_by_text("mjansen")).to_be_visible()
    page.get_by_label(re.compile("^Nieuw wachtwoord")).fill("Zomer!Regen42")
    page.get_by_label(re.compile("^Herhaal nieuw wachtwoord")).fill("Zomer!Regen42")
    go(page, page.get_by_role("button", name="Opslaan"))
    expect(page.get_by_text("Uw wachtwoord is opgeslagen")).to_be_visible()
    assert User.objects.get(username="mjansen").status == Status.ACTIVE


def test_bidn_3_1_approve_a_self_registered_user_with_roles(
    page, live_server, office, assert_accessible
):
    organisation, admin, _people = office
    newcomer = UserFactory(
        organisation=organisation,
        username="lnieuw",
        status=Status.PENDING,
        self_registered=True,
        verification_code="730415",
        email="lisa.nieuw@proefstad.nl",
    )
    log_in(page, live_server, admin)
    page.goto(f"/gebruikers/{newcomer.pk}/")
    expect(page.get_by_role("heading", name="Verificatiecode")).to_be_visible()
    expect(page.get_by_text("730415")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("group", name="iWmo").get_by_label("Gebruiker").check()
    go(page, page.get_by_role("button", name="Wijzigingen Opslaan").first)
    expect(page.get_by_text("De gebruiker is opgeslagen.")).to_be_visible()
    newcomer.refresh_from_db()
    assert newcomer.approved_at is not None
    assert RoleGrant.objects.filter(user=newcomer, product__code="iwmo", active=True).exists()


def test_bidn_3_3_1_deactivate_with_confirmation_and_restore_the_roles(
    page, live_server, office, assert_accessible
):
    _organisation, admin, people = office
    colleague = people["kboer"]
    grant(colleague, "iwmo", "gebruiker")
    grant(colleague, "ijw", "productbeheerder")
    colleague.nieuwsbrief = True
    colleague.save()
    log_in(page, live_server, admin)
    page.goto(f"/gebruikers/{colleague.pk}/")
    iwmo = page.get_by_role("group", name="iWmo").get_by_label("Gebruiker")
    assert iwmo.is_checked()
    switch = page.get_by_role("switch", name="Actief")
    assert switch.get_attribute("aria-checked") == "true"
    assert_accessible(page)

    go(page, switch)
    expect(page.get_by_role("heading", name="Gebruiker deactiveren")).to_be_visible()
    expect(
        page.get_by_text("Alle rollen van deze gebruiker worden op niet-actief gezet")
    ).to_be_visible()
    assert_accessible(page)
    go(page, page.get_by_role("button", name="Ja"))

    expect(page.get_by_text("De gebruiker is gedeactiveerd.")).to_be_visible()
    assert page.get_by_role("switch", name="Actief").get_attribute("aria-checked") == "false"
    assert not iwmo.is_checked() and iwmo.is_disabled()
    assert not page.get_by_label("nieuwsbrief").is_checked()
    eerdere = page.get_by_role("region", name="Eerdere rollen (niet actief)")
    expect(eerdere.get_by_text("iWmo — Gebruiker")).to_be_visible()
    assert_accessible(page)

    go(page, page.get_by_role("switch", name="Actief"))
    expect(page.get_by_role("heading", name="Gebruiker activeren")).to_be_visible()
    expect(page.get_by_text("iJw — Productbeheerder")).to_be_visible()
    assert_accessible(page)
    go(page, page.get_by_role("button", name="Ja, en herstel deze rollen"))
    expect(
        page.get_by_text("De gebruiker is weer actief en de rollen zijn hersteld.")
    ).to_be_visible()
    assert page.get_by_role("group", name="iWmo").get_by_label("Gebruiker").is_checked()
    assert page.get_by_role("group", name="iJw").get_by_label("Productbeheerder").is_checked()


def test_portero_3_3_delete_with_a_reason_and_find_it_among_deleted_users(
    page, live_server, office, assert_accessible
):
    _organisation, admin, people = office
    log_in(page, live_server, admin)
    # From the list: "Nee" goes back to the list.
    page.goto("/gebruikers/")
    go(page, page.get_by_role("link", name="Verwijderen kboer"))
    expect(page.get_by_role("heading", name="Gebruiker verwijderen")).to_be_visible()
    go(page, page.get_by_role("link", name="Nee"))
    expect(page.get_by_role("heading", name="Gebruikers", exact=True)).to_be_visible()

    # From the user page.
    go(page, page.get_by_role("link", name="ptest", exact=True))
    go(page, page.get_by_role("link", name="Gebruiker verwijderen"))
    expect(page.get_by_text("Weet u zeker dat u deze gebruiker wilt verwijderen?")).to_be_visible()
    assert_accessible(page)
    go(page, page.get_by_role("button", name="Ja"))
    # The reason is mandatory; the error summary takes the focus and links to the field.
    expect(page.locator("#id_reason_error").get_by_text("Vul een reden in.")).to_be_visible()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert_accessible(page)
    page.get_by_label("Reden").fill("Test gebruiker verwijderd")
    go(page, page.get_by_role("button", name="Ja"))
    expect(page.get_by_text("De gebruiker is succesvol verwijderd.")).to_be_visible()
    assert_accessible(page)
    go(page, page.get_by_role("link", name="Terug naar overzicht"))
    assert "ptest" not in table_logins(page)
    page.get_by_label("Toon verwijderde gebruikers").check()
    go(page, page.get_by_role("button", name="Zoek"))
    row = page.get_by_role("row", name=re.compile("ptest"))
    expect(row.get_by_text("Test gebruiker verwijderd")).to_be_visible()
    deleted = User.objects.get(username="ptest")
    assert deleted.status == Status.DELETED and deleted.email == ""


def test_portero_3_4_organisation_page_and_change_request(
    page, live_server, office, assert_accessible
):
    _organisation, admin, _people = office
    log_in(page, live_server, admin)
    page.goto("/")
    go(
        page,
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Organisatie"),
    )
    expect(page.get_by_role("heading", name="Organisatiegegevens")).to_be_visible()
    expect(page.get_by_text("Partnerverblijf")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Gewenste wijziging").fill("Nieuw telefoonnummer: 030 123 4567")
    go(page, page.get_by_role("button", name="Wijzigingsverzoek versturen"))
    expect(
        page.get_by_text("Uw wijzigingsverzoek is verstuurd naar de beheerorganisatie.")
    ).to_be_visible()
    assert_accessible(page)
    assert ChangeRequest.objects.filter(text__contains="030 123 4567").exists()


def test_logboek_and_import_pages(page, live_server, office, assert_accessible, tmp_path):
    _organisation, admin, _people = office
    log_in(page, live_server, admin)
    page.goto("/gebruikers/importeren/")
    assert_accessible(page)
    csv_file = tmp_path / "nieuw.csv"
    csv_file.write_text(
        "voorletters;voornaam;achternaam;email\n"
        "T.;Tom;Smit;tom.smit@proefstad.nl\n"
        "B.;Balie;Info;info@proefstad.nl\n",
        encoding="utf-8",
    )
    page.get_by_label("CSV-bestand").set_input_files(str(csv_file))
    go(page, page.get_by_role("button", name="Importeren"))
    expect(page.get_by_text("Er is niets geïmporteerd: 1 regel bevat fouten.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("CSV-bestand").set_input_files(str(csv_file))
    page.get_by_label("alleen de geldige regels importeren").check()
    go(page, page.get_by_role("button", name="Importeren"))
    expect(page.get_by_text("1 gebruiker geïmporteerd")).to_be_visible()

    page.goto("/gebruikers/")
    page.get_by_role("navigation", name="Gebruikersbeheer").get_by_role(
        "link", name="Logboek"
    ).click()
    expect(page.get_by_role("cell", name="Gebruiker aangemaakt").first).to_be_visible()
    page.get_by_label("Actie").select_option("user.import")
    go(page, page.get_by_role("button", name="Filter"))
    expect(page.get_by_text("1 regel.")).to_be_visible()
    assert_accessible(page)
