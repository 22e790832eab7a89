"""The operator console's pages pass axe-core, and an operator can appoint an administrator."""

import re

import pytest
from playwright.sync_api import expect

from knooppunt.testing.factories import OperatorUserFactory, OrganisationFactory

pytestmark = pytest.mark.browser


def test_console_pages_are_accessible(page, login_as, assert_accessible, mail_outbox):
    operator = OperatorUserFactory()
    organisation = OrganisationFactory(naam="Gemeente Console", domains=["console.nl"])
    login_as(operator)
    for path in [
        "/operator/",
        "/operator/organisations/organisation/",
        "/operator/organisations/organisation/add/",
        f"/operator/organisations/organisation/{organisation.pk}/change/",
        "/operator/accounts/user/",
        "/operator/audit/auditevent/",
    ]:
        page.goto(path)
        expect(page.locator("#content")).to_be_visible()
        assert_accessible(page)

    page.goto(f"/operator/organisations/organisation/{organisation.pk}/change/")
    page.get_by_role("link", name="Gebruikersbeheerder benoemen").click()
    assert_accessible(page)
    page.get_by_label(re.compile("^voorletters")).fill("A")
    page.get_by_label(re.compile("^voornaam")).fill("Anna")
    page.get_by_label(re.compile("^achternaam")).fill("Smit")
    page.get_by_label(re.compile("^email")).fill("anna.smit@console.nl")
    page.get_by_role("button", name="Benoemen en uitnodigen").click()
    expect(page.get_by_text(re.compile("Gebruikersbeheerder asmit benoemd"))).to_be_visible()
    assert len(mail_outbox.to("anna.smit@console.nl")) == 1
