"""Pages a visitor reaches without logging in pass axe-core, in Dutch and in English."""

import re

import pytest
from playwright.sync_api import expect

from knooppunt.testing.factories import UserFactory

pytestmark = pytest.mark.browser


def test_anonymous_pages_are_accessible(page, assert_accessible, mail_outbox):
    user = UserFactory(username="ptest", email="ptest@proef.example")
    for path in [
        "/inloggen/",
        "/wachtwoord/aanvragen/",
        "/wachtwoord/instellen/onbekend/",
        "/nergens/",
    ]:
        page.goto(path)
        assert_accessible(page)

    page.goto("/wachtwoord/aanvragen/")
    page.get_by_label(re.compile("^Gebruikersnaam")).fill("ptest")
    page.get_by_role("button", name="Wachtwoord aanvragen").click()
    expect(page.get_by_role("heading", name="Aanvraag ontvangen")).to_be_visible()
    assert_accessible(page)
    assert len(mail_outbox.to(user.email)) == 1


def test_language_switch_to_english_and_back(page, assert_accessible):
    page.goto("/inloggen/")
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Kies").click()
    expect(page.get_by_role("heading", name="Log on", exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)
    page.get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Choose").click()
    expect(page.get_by_role("heading", name="Inloggen", exact=True)).to_be_visible()


def test_the_footer_links_work(page, login_as, assert_accessible):
    login_as(UserFactory())
    page.goto("/")
    footer = page.get_by_role("contentinfo")
    expect(footer.get_by_role("link", name="servicedesk@knooppunt.example")).to_have_attribute(
        "href", "mailto:servicedesk@knooppunt.example"
    )
    expect(footer.get_by_role("link", name="088 123 45 67")).to_have_attribute(
        "href", "tel:0881234567"
    )
    expect(footer).to_contain_text(re.compile(r"v\d+\.\d+"))
    footer.get_by_role("link", name="Toegankelijkheidsverklaring").click()
    expect(page.get_by_role("heading", name="Toegankelijkheidsverklaring", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("contentinfo").get_by_role("link", name="Privacyverklaring").click()
    expect(page.get_by_role("heading", name="Privacyverklaring", level=1)).to_be_visible()
    assert_accessible(page)
