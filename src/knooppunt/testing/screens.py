"""`make screens`: full-page screenshots of the main screens (the identity screens and the
products' main screens), in Dutch, 1280 and 390 pixels
wide, into docs/screens/. Run by pytest on a throwaway database with the demo data (and a few
users in the states the dashboard counts), through the same browser fixtures as the tests.

    .venv/bin/pytest -p no:xdist src/knooppunt/testing/screens.py
"""

import datetime
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from knooppunt.testing.browser import log_in_context

OUT = Path(__file__).resolve().parents[3] / "docs" / "screens"
WIDTHS = (1280, 390)

pytestmark = pytest.mark.browser


def _scene():
    """The demo data, plus colleagues of Gemeente Voorbeeldstad in each state on "Welkom"."""
    from knooppunt.accounts.models import PasswordLink, PasswordLinkPurpose, Status, User
    from knooppunt.accounts.passwords import create_link
    from knooppunt.organisations.models import Organisation
    from knooppunt.testing.factories import UserFactory

    call_command("seed_demo", verbosity=0)
    gemeente = Organisation.objects.get(naam="Gemeente Voorbeeldstad")
    invited = UserFactory(
        organisation=gemeente,
        username="mvries",
        voorletters="M",
        voornaam="Mila",
        achternaam="de Vries",
        email="mila.devries@voorbeeldstad.example",
        status=Status.INVITED,
    )
    expired = UserFactory(
        organisation=gemeente,
        voorletters="J",
        username="jsmit",
        voornaam="Joost",
        achternaam="Smit",
        email="joost.smit@voorbeeldstad.example",
        status=Status.INVITED,
    )
    create_link(invited, PasswordLinkPurpose.INVITATION)
    create_link(expired, PasswordLinkPurpose.INVITATION)
    PasswordLink.objects.filter(user=expired).update(expires_at=timezone.now())
    UserFactory(
        organisation=gemeente,
        voorletters="E",
        username="ebakker",
        voornaam="Eva",
        achternaam="Bakker",
        email="eva.bakker@voorbeeldstad.example",
        status=Status.DEACTIVATED,
        deactivated_until=timezone.localdate() + datetime.timedelta(days=30),
    )
    UserFactory(
        organisation=gemeente,
        voorletters="R",
        username="rmulder",
        voornaam="Rik",
        achternaam="Mulder",
        email="rik.mulder@voorbeeldstad.example",
        status=Status.PENDING,
        self_registered=True,
        verification_code="K7MRX2PQ",
    )
    from knooppunt.aanvragen.models import Aanvraag
    from knooppunt.aanvragen.models import Status as AanvraagStatus

    submitter = User.objects.get(email="mark.bakker@delinde.example")
    submitted = (
        Aanvraag.objects.filter(organisation=submitter.organisation)
        .exclude(status=AanvraagStatus.CONCEPT)
        .order_by("pk")
        .first()
    )
    beheerder = User.objects.get(email="karin.deboer@voorbeeldstad.example")
    return {
        "submitter": submitter,
        "aanvraag": submitted,
        "productbeheerder": beheerder,
        "admin": User.objects.get(username="ajansen"),
        "user": User.objects.get(username="ptest"),
        "operator": User.objects.get(username="sservicedesk"),
        "colleague": User.objects.get(username="ptest"),
    }


def _shoot(browser, live_server, user, name: str, path: str) -> None:
    for width in WIDTHS:
        context = browser.new_context(
            locale="nl-NL", base_url=live_server.url, viewport={"width": width, "height": 900}
        )
        if user is not None:
            log_in_context(context, user, live_server.url)
        page = context.new_page()
        page.goto(path)
        page.evaluate("document.fonts.ready")
        OUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUT / f"{name}-{width}.png"), full_page=True)
        context.close()


def test_screens(browser, live_server, live_db):
    people = _scene()
    admin, user, operator = people["admin"], people["user"], people["operator"]
    screens = [
        ("inloggen", None, reverse("accounts:login")),
        ("aanmelden-gebruikersbeheerder", None, reverse("aanmelding:apply")),
        ("welkom-gebruikersbeheerder", admin, reverse("core:welcome")),
        ("welkom-gebruiker", user, reverse("core:welcome")),
        ("gebruikers", admin, reverse("usermanagement:user_list")),
        (
            "gebruiker-wijzigen",
            admin,
            reverse("usermanagement:user_edit", args=[people["colleague"].pk]),
        ),
        ("nieuwe-gebruiker", admin, reverse("usermanagement:user_create")),
        ("organisatie", admin, reverse("organisations:detail")),
        ("logboek", admin, reverse("audit:log")),
        ("toegankelijkheidsverklaring", None, reverse("core:accessibility")),
        ("beheerconsole", operator, reverse("operator:index")),
        # The products' main screens.
        ("berichten-ontvangen", user, reverse("exchange:inbox")),
        ("bestand-aanbieden", user, reverse("exchange:upload")),
        ("wlz-registertoets", user, reverse("registertoets:raadplegen")),
        ("wlz-aanvragen", people["submitter"], reverse("aanvragen:list")),
        (
            "wlz-aanvraag",
            people["submitter"],
            reverse("aanvragen:detail", args=[people["aanvraag"].pk]),
        ),
        (
            "productinstellingen",
            people["productbeheerder"],
            reverse(
                "products:tab",
                args=[people["productbeheerder"].organisation_id, "wlz-registertoets"],
            ),
        ),
    ]
    only = set(filter(None, os.environ.get("SCREENS", "").split(",")))  # e.g. SCREENS=inloggen
    for name, who, path in screens:
        if not only or name in only:
            _shoot(browser, live_server, who, name, path)
    assert len(list(OUT.glob("*.png"))) >= len(screens) * len(WIDTHS)
