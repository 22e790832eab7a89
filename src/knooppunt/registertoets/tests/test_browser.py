"""In chromium: the operator imports the demo register in the console, a gemeente's Gebruiker
gets "Ja" with the zorgprofiel for one BSN and "Nee" for another, and the operator finds both
lookups under "Wie heeft dit BSN geraadpleegd?". axe-core on every page of the product."""

import re

import pytest
from playwright.sync_api import expect

from knooppunt.jobs.queue import run_queued
from knooppunt.registertoets import demo, synthetic
from knooppunt.testing.factories import OperatorUserFactory, OrganisationFactory, UserFactory, grant

pytestmark = pytest.mark.browser


def go(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def test_import_the_demo_register_ask_twice_and_find_both_lookups(
    page, second_page, live_server, login_as, assert_accessible, tmp_path
):
    from knooppunt.testing.browser import log_in_context

    operator = OperatorUserFactory(username="sservice")
    gemeente = OrganisationFactory(naam="Gemeente Voorbeeldstad", products=["wlz-registertoets"])
    gebruiker = UserFactory(organisation=gemeente, username="ptest")
    grant(gebruiker, "wlz-registertoets", "gebruiker")
    register_file = tmp_path / "demo-register.csv"
    register_file.write_bytes(demo.csv_bytes())

    # The operator imports the demo register; a job processes it, the page shows how far.
    login_as(operator)
    page.goto("/operator/registertoets/registerimport/add/")
    assert_accessible(page)
    page.get_by_label("Bestand (CSV)").set_input_files(str(register_file))
    page.get_by_label("bijwerken (upsert)").check()
    go(page, page.get_by_role("button", name="Importeren"))
    expect(page.locator("#import-status")).to_have_text("in de wachtrij")
    expect(page.locator("progress")).to_be_visible()
    assert_accessible(page)
    run_queued()  # the worker; the page follows by itself
    expect(page.get_by_text(re.compile(r"^Klaar: \d+ regels; 202 cliënten"))).to_be_visible()
    expect(page.locator("#import-status")).to_have_text("klaar")
    assert_accessible(page)

    # A Gebruiker of the gemeente asks about the two demo clients.
    user_page = second_page
    log_in_context(user_page.context, gebruiker, live_server.url)
    user_page.goto("/")
    go(
        user_page,
        user_page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
            "link", name="Wlz-Registertoets"
        ),
    )
    assert_accessible(user_page)
    with_ind, without = synthetic.DEMO_WITH, synthetic.DEMO_WITHOUT
    user_page.get_by_label("BSN").fill(with_ind["bsn"])
    user_page.get_by_label("Geboortedatum").fill(with_ind["geboortedatum"])
    user_page.get_by_label("Reden van raadpleging").select_option(
        label="Gerede twijfel samenloop Wmo/Wlz"
    )
    go(user_page, user_page.get_by_role("button", name="Raadplegen"))
    expect(user_page.get_by_role("heading", name="Antwoord: Ja")).to_be_visible()
    expect(user_page.get_by_role("cell", name=re.compile("^754 5VV"))).to_be_visible()
    assert_accessible(user_page)

    user_page.get_by_label("BSN").fill(without["bsn"])
    user_page.get_by_label("Geboortedatum").fill(without["geboortedatum"])
    user_page.get_by_label("Reden van raadpleging").select_option(
        label="Gerede twijfel samenloop Wmo/Wlz"
    )
    go(user_page, user_page.get_by_role("button", name="Raadplegen"))
    expect(user_page.get_by_role("heading", name="Antwoord: Nee")).to_be_visible()
    expect(user_page.get_by_role("cell", name=re.compile("5VV|3VV"))).to_have_count(0)

    # A BSN that fails the 11-proef is a form error, not an answer.
    user_page.get_by_label("BSN").fill("123456789")
    user_page.get_by_label("Geboortedatum").fill("1950-07-01")
    user_page.get_by_label("Reden van raadpleging").select_option(
        label="Gerede twijfel samenloop Wmo/Wlz"
    )
    go(user_page, user_page.get_by_role("button", name="Raadplegen"))
    expect(user_page.get_by_text(re.compile("11-proef")).first).to_be_visible()
    expect(user_page.get_by_role("heading", name=re.compile("^Antwoord"))).to_have_count(0)
    assert_accessible(user_page)

    # The operator finds both lookups.
    for bsn, answer in ((with_ind["bsn"], "Ja"), (without["bsn"], "Nee")):
        page.goto("/operator/")
        go(page, page.get_by_role("link", name="Raadplegingen"))
        expect(page.get_by_role("heading", name="Wie heeft dit BSN geraadpleegd?")).to_be_visible()
        page.get_by_label("BSN").fill(bsn)
        go(page, page.get_by_role("button", name="Zoeken"))
        expect(page.get_by_role("heading", name="1 raadpleging")).to_be_visible()
        found = page.locator("#raadplegingen tbody tr")
        expect(found).to_have_count(1)
        expect(found.get_by_role("cell", name="ptest")).to_be_visible()
        expect(found.get_by_role("cell", name="Gemeente Voorbeeldstad")).to_be_visible()
        expect(found.get_by_role("cell", name=answer, exact=True)).to_be_visible()
        assert_accessible(page)


def test_a_bulk_check_follows_its_job_and_is_downloaded_once(
    page, login_as, assert_accessible, tmp_path
):
    gemeente = OrganisationFactory(naam="Gemeente Bestandstad", products=["wlz-registertoets"])
    gebruiker = UserFactory(organisation=gemeente)
    grant(gebruiker, "wlz-registertoets", "gebruiker")
    upload = tmp_path / "inwoners.csv"
    upload.write_bytes(b"\xef\xbb\xbfbsn;geboortedatum\r\n111222333;1938-04-12\r\n")
    login_as(gebruiker)
    page.goto("/wlz-registertoets/bestand/")
    assert_accessible(page)
    page.get_by_label("Bestand (CSV)").set_input_files(str(upload))
    page.get_by_label("Reden van raadpleging").select_option(
        label="Beoordeling aanvraag maatwerkvoorziening"
    )
    go(page, page.get_by_role("button", name="Bestand controleren"))
    expect(page.get_by_text("0 van 1 regels verwerkt.")).to_be_visible()
    assert_accessible(page)
    run_queued()
    expect(page.get_by_text("Klaar: 1 regel gecontroleerd, 0 keer Ja.")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Resultaat downloaden").click()
    content = info.value.path().read_bytes().decode("utf-8-sig")
    assert content.splitlines()[1] == "111222333;1938-04-12;Nee;;;;"
