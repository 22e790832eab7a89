"""In chromium, with the CSP on and axe-core on every page: a care provider's Gebruiker submits
a Partnerverblijf application with its attachments, the operator confirms receipt and suspends
it for a missing signature, the submitter adds it, the operator decides, and the submitter sees
the whole history."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from knooppunt.aanvragen.models import Aanvraag, Status
from knooppunt.testing.browser import log_in_context
from knooppunt.testing.factories import OperatorUserFactory

from . import files
from .conftest import BSN, gebruiker, meldingsadres, zorgaanbieder

pytestmark = pytest.mark.browser


def test_partnerverblijf_from_submission_to_decision(
    page, second_page, live_server, assert_accessible, tmp_path, mail_outbox
):
    organisation = zorgaanbieder("Zorggroep De Linde")
    meldingsadres(organisation, "wlz@delinde.example")
    submitter = gebruiker(organisation, voornaam="Mark", achternaam="Bakker")
    operator = OperatorUserFactory(username="ciz-medewerker")
    verklaring = tmp_path / "verklaring-partnerverblijf.pdf"
    verklaring.write_bytes(files.pdf("Verklaring partnerverblijf"))
    handtekening = tmp_path / "aanvraagformulier-getekend.jpg"
    handtekening.write_bytes(files.jpeg())

    # The submitter: Aanvragen -> Nieuwe aanvraag -> Kies aanvraag: Partnerverblijf.
    log_in_context(page.context, submitter, live_server.url)
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Aanvragen").click()
    assert_accessible(page)
    page.get_by_role("link", name="Nieuwe aanvraag").click()
    page.get_by_label("Partnerverblijf").check()
    assert_accessible(page)
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_role("heading", name="Nieuwe aanvraag: Partnerverblijf")).to_be_visible()
    page.get_by_label("BSN").fill(BSN)
    page.get_by_label("voorletters").fill("G.")
    page.get_by_label("achternaam").fill("Jansen")
    page.get_by_label("geboortedatum").fill("1941-03-08")
    page.get_by_label("Gewenste ingangsdatum").fill("2027-01-01")
    page.get_by_label("Toelichting").fill("Partner woont sinds kort in De Linde.")
    page.get_by_label("Wacht op ondertekening").check()
    page.get_by_label("Uw functie").fill("Zorgbemiddelaar")
    page.get_by_label("Verklaring partnerverblijf").set_input_files(str(verklaring))
    assert_accessible(page)
    page.get_by_role("button", name="Indienen").click()
    expect(page.get_by_text("De aanvraag is ingediend.")).to_be_visible()
    expect(page.get_by_text("Wacht op ondertekening")).to_be_visible()
    assert_accessible(page)
    aanvraag = Aanvraag.objects.get()
    assert aanvraag.status == Status.INGEDIEND and aanvraag.soort == "partnerverblijf"

    # The operator: the work queue, confirm receipt, suspend for the missing signature.
    console = second_page
    log_in_context(console.context, operator, live_server.url)
    console.goto("/operator/aanvragen/aanvraag/")
    assert_accessible(console)
    console.get_by_role("link", name=str(aanvraag.pk), exact=True).click()
    expect(console.get_by_text("Partnerverblijf — Zorggroep De Linde")).to_be_visible()
    assert_accessible(console)
    console.get_by_role("button", name="Ontvangst bevestigen").click()
    expect(console.get_by_text("heeft nu de status Ontvangen")).to_be_visible()
    console.get_by_label("Reden van opschorten").fill("De handtekening van de aanvrager ontbreekt.")
    console.get_by_label("De handtekening").check()
    console.get_by_role("button", name="Opschorten").click()
    expect(console.get_by_text("heeft nu de status Opgeschort")).to_be_visible()
    expect(console.get_by_text("Termijn gepauzeerd")).to_be_visible()
    assert_accessible(console)

    # The submitter sees what is needed and adds the signed form.
    page.reload()
    expect(page.get_by_role("heading", name="Opgeschort: aanvulling nodig")).to_be_visible()
    page.get_by_role("link", name="Aanvullen").click()
    assert_accessible(page)
    page.get_by_label("Ondertekend aanvraagformulier").set_input_files(str(handtekening))
    page.get_by_label("Toelichting bij de aanvulling").fill("Getekend door de aanvrager.")
    page.get_by_role("button", name="Aanvulling indienen").click()
    expect(page.get_by_text("de aanvulling is ontvangen")).to_be_visible()
    expect(page.get_by_text("Ondertekend en geüpload")).to_be_visible()

    # The operator takes it into assessment and decides.
    console.reload()
    console.get_by_role("button", name="In behandeling nemen").click()
    expect(console.get_by_text("heeft nu de status In behandeling")).to_be_visible()
    console.get_by_label("Toegekend").check()
    console.get_by_label("Besluitdatum").fill(datetime.date.today().isoformat())
    console.get_by_label("Toelichting").fill("Partnerverblijf toegekend.")
    console.get_by_role("button", name="Besluit vastleggen").click()
    expect(console.get_by_text("heeft nu de status Besluit")).to_be_visible()

    # The submitter sees the whole history.
    page.reload()
    history = page.get_by_role("table", name="Historie van de aanvraag")
    rows = history.get_by_role("row")
    expect(rows).to_have_count(7)  # the header and six changes
    for text in (
        "Concept → Ingediend",
        "Ingediend → Ontvangen",
        "Ontvangen → Opgeschort",
        "Opgeschort → Ontvangen",
        "Ontvangen → In behandeling",
        "In behandeling → Besluit",
    ):
        expect(history.get_by_text(text)).to_be_visible()
    expect(history.get_by_text(re.compile("ciz-medewerker"))).to_have_count(4)
    expect(history.get_by_text("Getekend door de aanvrager.")).to_be_visible()
    expect(page.get_by_text(re.compile("Besluit: Toegekend op"))).to_be_visible()
    assert_accessible(page)
    subjects = [m.subject for m in mail_outbox.to("wlz@delinde.example")]
    assert len(subjects) == 6 and subjects[-1].endswith(": Besluit")
