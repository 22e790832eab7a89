"""Browser test: an organisation files "Aanmelden gebruikersbeheerder" from the login page, the
operator accepts it in the console, and the new administrator's invitation mail arrives."""

import re

import pytest
from playwright.sync_api import expect

from knooppunt.accounts.models import Status, User
from knooppunt.testing.browser import log_in_context
from knooppunt.testing.factories import OperatorUserFactory, pdf_bytes

pytestmark = pytest.mark.browser


def pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes(name)}


def test_request_accepted_into_an_organisation_with_its_administrator(
    page, second_page, live_server, mail_outbox, assert_accessible, settings
):
    settings.KNOOPPUNT_BASE_URL = live_server.url
    page.goto("/inloggen/")
    page.get_by_role("link", name="Aanmelden gebruikersbeheerder").click()
    expect(page.get_by_role("heading", name="Aanmelden gebruikersbeheerder")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Gemeente", exact=True).check()
    page.get_by_label(re.compile("^Naam organisatie")).fill("Gemeente Nieuwdorp")
    page.get_by_label(re.compile("^KvK-nummer")).fill("87654321")
    page.get_by_label(re.compile("^Gemeentecode")).fill("0999")
    page.get_by_label(re.compile("^Vestigingsplaats")).fill("Nieuwdorp")
    page.get_by_label(re.compile("^E-maildomein")).fill("nieuwdorp.nl")
    page.get_by_label(re.compile("^Voorletters")).fill("L")
    page.get_by_label(re.compile("^Voornaam")).fill("Lotte")
    page.get_by_label(re.compile("^Achternaam")).fill("Groot")
    page.get_by_label(re.compile("^E-mailadres")).fill("lotte.groot@nieuwdorp.nl")
    page.get_by_label("Ondertekende overeenkomst 1 (PDF)").set_input_files(pdf("aansluiting.pdf"))
    # The second agreement as something that is not a PDF: refused, with the focus on the summary.
    page.get_by_label("Ondertekende overeenkomst 2 (PDF)").set_input_files(
        {"name": "vecozo.pdf", "mimeType": "application/pdf", "buffer": b"GIF89a geen pdf"}
    )
    page.get_by_label(re.compile("^Ik ben bevoegd")).check()
    page.get_by_role("button", name="Aanmelding versturen").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("#id_document_1_error")).to_contain_text("geen PDF")
    assert_accessible(page)
    page.get_by_label("Ondertekende overeenkomst 1 (PDF)").set_input_files(pdf("aansluiting.pdf"))
    page.get_by_label("Ondertekende overeenkomst 2 (PDF)").set_input_files(pdf("vecozo.pdf"))
    page.get_by_role("button", name="Aanmelding versturen").click()
    expect(page.get_by_role("heading", name="Aanmelding ontvangen")).to_be_visible()
    assert not User.objects.filter(email="lotte.groot@nieuwdorp.nl").exists()

    # The operator, at the servicedesk, finds the request in the console's queue.
    log_in_context(second_page.context, OperatorUserFactory(), live_server.url)
    second_page.goto("/operator/")
    second_page.get_by_role("link", name="Aanmeldingen gebruikersbeheerder", exact=True).click()
    second_page.get_by_role("link", name=re.compile("Gemeente Nieuwdorp")).click()
    assert_accessible(second_page)
    second_page.get_by_role("link", name="Accepteren").click()
    assert_accessible(second_page)
    second_page.get_by_label("iWmo").check()
    second_page.get_by_role("button", name="Accepteren en uitnodigen").click()
    expect(
        second_page.get_by_text(re.compile("Aanmelding geaccepteerd: Gemeente Nieuwdorp"))
    ).to_be_visible()

    administrator = User.objects.get(email="lotte.groot@nieuwdorp.nl")
    assert administrator.is_administrator and administrator.status == Status.INVITED
    assert administrator.organisation.naam == "Gemeente Nieuwdorp"
    assert administrator.organisation.missing_agreements() == []
    [mail] = mail_outbox.to("lotte.groot@nieuwdorp.nl")
    assert administrator.username in mail.body
    page.goto(mail_outbox.last_link("lotte.groot@nieuwdorp.nl"))
    expect(page.get_by_role("heading", name="Nieuw wachtwoord instellen")).to_be_visible()
