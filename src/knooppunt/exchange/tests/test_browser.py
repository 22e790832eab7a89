"""Browser tests of issue 15's chain on the demo data, with axe-core on every page: the demo
gemeente offers a JW301, the zorgaanbieder's Gebruiker sees it under "Ontvangen berichten" and
downloads it, the gemeente sees Opgehaald, the zorgaanbieder offers the JW302 retour and the
gemeente sees it under "Gerelateerde berichten". A WMO301 goes the same way up to the download."""

import datetime

import pytest
from playwright.sync_api import expect

from knooppunt.accounts.models import User
from knooppunt.exchange import samples
from knooppunt.operators.demo import seed
from knooppunt.testing.browser import log_in_context

pytestmark = pytest.mark.browser
GEMEENTE, AANBIEDER = "9999", "73730001"


@pytest.fixture
def demo(live_db):
    seed()
    return User.objects.get(username="ptest"), User.objects.get(username="famrani")


def _offer(page, assert_accessible, product: str, path) -> None:
    page.goto("/berichten/aanbieden/")
    assert_accessible(page)
    page.get_by_label(product, exact=True).check()
    page.get_by_label("Bestand").set_input_files(str(path))
    page.get_by_role("button", name="Aanbieden", exact=True).click()
    expect(page.get_by_role("heading", name="Resultaat van het aanbieden")).to_be_visible()
    expect(page.get_by_text("Aangeboden:")).to_be_visible()
    assert_accessible(page)


def _download(page, assert_accessible, identificatie: str) -> bytes:
    page.goto("/berichten/")
    expect(page.get_by_role("link", name=identificatie)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=identificatie).click()
    expect(page.get_by_role("heading", name="Gerelateerde berichten")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Downloaden").click()
    return open(info.value.path(), "rb").read()


def test_jw301_download_opgehaald_jw302_and_related(
    page, second_page, demo, tmp_path, assert_accessible, live_server
):
    gemeente_user, aanbieder_user = demo
    log_in_context(page.context, gemeente_user, live_server.url)
    log_in_context(second_page.context, aanbieder_user, live_server.url)
    heen = tmp_path / "jw301.xml"
    heen.write_bytes(
        samples.build(
            "JW301",
            afzender=GEMEENTE,
            ontvanger=AANBIEDER,
            identificatie="BROWSER301",
            dagtekening=datetime.date(2026, 4, 1),
        )
    )
    _offer(page, assert_accessible, "iJw", heen)

    assert _download(second_page, assert_accessible, "BROWSER301") == heen.read_bytes()

    page.goto("/berichten/verzonden/")
    row = page.get_by_role("row").filter(has_text="BROWSER301")
    expect(row).to_contain_text("Opgehaald")
    assert_accessible(page)

    retour = tmp_path / "jw302.xml"
    retour.write_bytes(
        samples.build(
            "JW302",
            afzender=GEMEENTE,
            ontvanger=AANBIEDER,
            identificatie="BROWSER301",
            dagtekening=datetime.date(2026, 4, 1),
            retour_identificatie="BROWSER302",
        )
    )
    _offer(second_page, assert_accessible, "iJw", retour)

    row.get_by_role("link", name="BROWSER301").click()
    related = page.locator(
        "section", has=page.get_by_role("heading", name="Gerelateerde berichten")
    )
    expect(related.get_by_role("link", name="JW302 BROWSER302")).to_be_visible()
    assert_accessible(page)


def test_wmo301_up_to_the_download(
    page, second_page, demo, tmp_path, assert_accessible, live_server
):
    gemeente_user, aanbieder_user = demo
    log_in_context(page.context, gemeente_user, live_server.url)
    log_in_context(second_page.context, aanbieder_user, live_server.url)
    path = tmp_path / "wmo301.xml"
    path.write_bytes(
        samples.build("WMO301", afzender=GEMEENTE, ontvanger=AANBIEDER, identificatie="BROWSERW301")
    )
    _offer(page, assert_accessible, "iWmo", path)
    assert _download(second_page, assert_accessible, "BROWSERW301") == path.read_bytes()


def test_a_refused_file_shows_the_list_and_afgekeurd(
    page, demo, tmp_path, assert_accessible, live_server
):
    gemeente_user, _ = demo
    log_in_context(page.context, gemeente_user, live_server.url)
    path = tmp_path / "kapot.xml"
    path.write_bytes(b"<?xml version='1.0'?><niet-af>")
    page.goto("/berichten/aanbieden/")
    page.get_by_label("iJw", exact=True).check()
    page.get_by_label("Bestand").set_input_files(str(path))
    page.get_by_role("button", name="Aanbieden", exact=True).click()
    expect(page.get_by_text("KP003")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Bewaard onder Afgekeurd").click()
    expect(page.get_by_role("heading", name="Afgekeurd: kapot.xml")).to_be_visible()
    assert_accessible(page)
    page.goto("/berichten/afgekeurd/")
    assert_accessible(page)
