"""Browser test: from the operator's command line, through the invitation mail in the file
outbox, to a password of one's own and the first login. Every page is checked with axe-core."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_invitation_to_first_login(page, live_server, mail_outbox, assert_accessible, settings):
    settings.KNOOPPUNT_BASE_URL = live_server.url
    out = io.StringIO()
    call_command(
        "create_organisation",
        "--type",
        "gemeente",
        "--naam",
        "Gemeente Proefstad",
        "--gemeentecode",
        "0344",
        "--domain",
        "proefstad.nl",
        "--product",
        "iwmo",
        "--agreements-signed",
        stdout=out,
    )
    organisation_id = out.getvalue().strip().splitlines()[-1]
    out = io.StringIO()
    call_command(
        "appoint_admin",
        "--organisation",
        organisation_id,
        "--voorletters",
        "P",
        "--voornaam",
        "Piet",
        "--achternaam",
        "Test",
        "--email",
        "piet.test@proefstad.nl",
        stdout=out,
    )
    login = out.getvalue().strip().splitlines()[-1]

    link = mail_outbox.last_link("piet.test@proefstad.nl")
    page.goto(link)
    expect(page.get_by_role("heading", name="Nieuw wachtwoord instellen")).to_be_visible()
    assert_accessible(page)

    # A password with part of the name is refused, with the rule named next to the field.
    page.get_by_label(re.compile("^Nieuw wachtwoord")).fill("Piet!Geheim42")
    page.get_by_label(re.compile("^Herhaal nieuw wachtwoord")).fill("Piet!Geheim42")
    page.get_by_role("button", name="Opslaan").click()
    error = page.locator("#id_new_password1_error")
    expect(error).to_contain_text("Een wachtwoord mag geen delen van de (gebruikers)naam bevatten.")
    assert_accessible(page)

    page.get_by_label(re.compile("^Nieuw wachtwoord")).fill("Zomer!Regen42")
    page.get_by_label(re.compile("^Herhaal nieuw wachtwoord")).fill("Zomer!Regen42")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Uw wachtwoord is opgeslagen")).to_be_visible()

    # The link from the mail does not work a second time.
    page.goto(link)
    expect(page.get_by_role("heading", name="Deze link werkt niet meer")).to_be_visible()
    expect(page.get_by_role("link", name="Wachtwoord aanvragen")).to_be_visible()
    assert_accessible(page)

    page.goto("/inloggen/")
    assert_accessible(page)
    page.get_by_label(re.compile("^Gebruikersnaam")).fill(login)
    page.get_by_label(re.compile("^Wachtwoord")).fill("Zomer!Regen42")
    page.get_by_role("button", name="Log on").click()
    # The second step: the code went by e-mail (no mobile number is known).
    expect(page.get_by_role("heading", name="TWEE-FACTOR AUTHENTICATIE")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile("^Verificatiecode")).fill(
        mail_outbox.last_code("piet.test@proefstad.nl")
    )
    page.get_by_role("button", name="Verifieer").click()
    expect(page.get_by_role("heading", name="Welkom")).to_be_visible()
    expect(page.get_by_text(re.compile(f"Welkom {login} van Gemeente Proefstad"))).to_be_visible()
    assert_accessible(page)


def test_gated_organisation_page_is_accessible(
    page, live_server, assert_accessible, mail_outbox, sms_outbox
):
    from knooppunt.accounts.models import User

    call_command("seed_demo", stdout=io.StringIO())
    user = User.objects.get(username="lvisser")
    page.goto("/inloggen/")
    page.get_by_label(re.compile("^Gebruikersnaam")).fill("lvisser")
    page.get_by_label(re.compile("^Wachtwoord")).fill("Demo-Wachtwoord-2026!")
    page.get_by_role("button", name="Log on").click()
    code = (
        sms_outbox.last_code(user.telefoonnummer)
        if user.telefoonnummer
        else mail_outbox.last_code(user.email)
    )
    page.get_by_label(re.compile("^Verificatiecode")).fill(code)
    page.get_by_role("button", name="Verifieer").click()
    expect(page.get_by_role("heading", name="Overeenkomsten ontbreken")).to_be_visible()
    expect(page.get_by_text("Verwerkersovereenkomst")).to_be_visible()
    assert_accessible(page)
