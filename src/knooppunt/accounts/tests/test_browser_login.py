"""Browser test: password, the code from the SMS file outbox, the expiry warning for a password
80 days old and the forced change of one 100 days old. Every page is checked with axe-core."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from knooppunt.testing.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.browser
PHONE = "+31612345678"


def _log_on(page, sms_outbox, assert_accessible, username):
    page.goto("/inloggen/")
    assert_accessible(page)
    page.get_by_label(re.compile("^Gebruikersnaam")).fill(username)
    page.get_by_label(re.compile("^Wachtwoord")).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log on").click()
    expect(page.get_by_role("heading", name="TWEE-FACTOR AUTHENTICATIE")).to_be_visible()
    expect(page.get_by_text("heeft u per sms een verificatiecode ontvangen")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile("^Verificatiecode")).fill(sms_outbox.last_code(PHONE))
    page.get_by_role("button", name="Verifieer").click()


def _user(days_old: int):
    return UserFactory(
        username="ptest",
        telefoonnummer=PHONE,
        password_changed_at=timezone.now() - datetime.timedelta(days=days_old),
    )


def test_login_with_the_sms_code(page, sms_outbox, assert_accessible):
    _user(10)
    page.goto("/inloggen/")
    page.get_by_label(re.compile("^Gebruikersnaam")).fill("ptest")
    page.get_by_label(re.compile("^Wachtwoord")).fill("Fout!Wachtwoord1")
    page.get_by_role("button", name="Log on").click()
    expect(
        page.get_by_text("De combinatie van gebruikersnaam en wachtwoord is onjuist.")
    ).to_be_visible()
    assert_accessible(page)

    _log_on(page, sms_outbox, assert_accessible, "ptest")
    expect(page.get_by_role("heading", name="Welkom")).to_be_visible()
    assert_accessible(page)
    # The idle warning is on the page, hidden until shortly before the timeout.
    assert page.locator("#sessie-waarschuwing").is_hidden()

    page.get_by_role("link", name="Mijn gegevens").click()
    expect(page.get_by_role("heading", name="Mijn gegevens")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Authenticator-app instellen").click()
    expect(page.get_by_role("img", name=re.compile("QR-code"))).to_be_visible()
    assert_accessible(page)


def test_cancel_on_the_code_page_returns_to_login(page, sms_outbox, assert_accessible):
    _user(10)
    page.goto("/inloggen/")
    page.get_by_label(re.compile("^Gebruikersnaam")).fill("ptest")
    page.get_by_label(re.compile("^Wachtwoord")).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log on").click()
    page.get_by_label(re.compile("^Verificatiecode")).fill("000000")
    page.get_by_role("button", name="Verifieer").click()
    expect(
        page.locator("#id_code_error").get_by_text("De verificatiecode is onjuist")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Annuleren").click()
    expect(page.get_by_role("heading", name="Inloggen", exact=True)).to_be_visible()


def test_warning_for_a_password_80_days_old(page, sms_outbox, assert_accessible):
    _user(80)
    _log_on(page, sms_outbox, assert_accessible, "ptest")
    expect(page.get_by_text("Uw wachtwoord verloopt over 11 dagen")).to_be_visible()
    expect(page.get_by_role("link", name="Wachtwoord wijzigen")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Later").click()
    expect(page.get_by_role("heading", name="Welkom")).to_be_visible()


def test_forced_change_for_a_password_100_days_old(page, sms_outbox, assert_accessible):
    user = _user(100)
    _log_on(page, sms_outbox, assert_accessible, "ptest")
    expect(page.get_by_role("heading", name="Wachtwoord wijzigen")).to_be_visible()
    expect(page.get_by_text("Uw wachtwoord is verlopen")).to_be_visible()
    assert_accessible(page)
    # No way around it.
    page.goto("/mijn-gegevens/")
    expect(page.get_by_role("heading", name="Wachtwoord wijzigen")).to_be_visible()

    page.get_by_label(re.compile("^Huidig wachtwoord")).fill(TEST_PASSWORD)
    page.get_by_label(re.compile("^Nieuw wachtwoord")).fill("kort")
    page.get_by_label(re.compile("^Herhaal nieuw wachtwoord")).fill("kort")
    page.get_by_role("button", name="Opslaan").click()
    expect(
        page.locator("#id_new_password1_error").get_by_text("te kort: minimale lengte")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_label(re.compile("^Huidig wachtwoord")).fill(TEST_PASSWORD)
    page.get_by_label(re.compile("^Nieuw wachtwoord")).fill("Zomer!Regen42")
    page.get_by_label(re.compile("^Herhaal nieuw wachtwoord")).fill("Zomer!Regen42")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Welkom")).to_be_visible()
    expect(page.get_by_text("Uw wachtwoord is gewijzigd.")).to_be_visible()
    user.refresh_from_db()
    assert user.check_password("Zomer!Regen42")


def test_idle_warning_and_timeout(page, sms_outbox, assert_accessible, settings):
    """With JavaScript the page warns before the idle timeout; 'Ingelogd blijven' resets it;
    after the timeout the login page says why."""
    settings.KNOOPPUNT_SESSION_IDLE_SECONDS = 6
    settings.KNOOPPUNT_SESSION_WARNING_SECONDS = 5
    _user(10)
    _log_on(page, sms_outbox, assert_accessible, "ptest")
    warning = page.locator("#sessie-waarschuwing")
    warning.wait_for(state="visible", timeout=5000)
    assert_accessible(page)
    page.get_by_role("button", name="Ingelogd blijven").click()
    warning.wait_for(state="hidden", timeout=3000)
    # Idle after that: the page reloads itself and the server has logged out.
    page.get_by_text("niet actief bent geweest").wait_for(timeout=15000)
    expect(page.get_by_role("heading", name="Inloggen", exact=True)).to_be_visible()
    assert_accessible(page)
