"""Every page, as the people who see it: every screen of the screen-access contract (found by
walking the URL resolver), the pages without login, the statements, the gate, the public
"Aanmelden gebruikersbeheerder" form, every screen of the products (Berichtenverkeer,
Wlz-Registertoets, Wlz-aanvragen, Productinstellingen) as the people who hold their roles, and
the operator console with the products' pages. On each, at 390 and at 1280
pixels wide: no sideways scrolling, a header of at most a fifth of a phone's screen, every
aria-describedby pointing to an element that exists, no template syntax, and nothing that
axe-core finds with the WCAG 2.1 A/AA and 2.2 AA tags. Forms are also checked with errors."""

import datetime

import pytest
from django.contrib import admin as django_admin
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from knooppunt.accounts.models import Status
from knooppunt.operators.admin import operator_site
from knooppunt.testing.browser import check_at_both_widths, log_in_context
from knooppunt.testing.factories import (
    AdministratorFactory,
    OperatorUserFactory,
    OrganisationFactory,
    UserFactory,
    application,
    grant,
)
from knooppunt.testing.views import screens

pytestmark = pytest.mark.browser

CONTRACT_NAMESPACES = ("usermanagement", "organisations", "audit", "koppelingen")
PRODUCT_NAMESPACES = ("exchange", "registertoets", "aanvragen", "products")
# Screens that answer with a file, not a page.
DOWNLOADS = {
    "usermanagement:user_export",
    "audit:export",
    "exchange:refusal_report",
    "registertoets:bulk_download",
    "aanvragen:download",
}
# Screens that only take a POST (a GET is a bare 405): their pages are reached by the forms
# that post to them, below.
POST_ONLY = {
    "exchange:download",
    "exchange:download_many",
    "aanvragen:submit",
    "aanvragen:remove_attachment",
    "products:address_add",
    "products:address_remove",
    "products:address_test",
    "products:credential_rate_limit",
}


@pytest.fixture
def world(live_db):
    organisation = OrganisationFactory(
        naam="Gemeente Proefstad",
        agb_code="12345678",
        woonplaats="Proefstad",
        domains=["proefstad.nl"],
        products=["iwmo", "ijw", "wlz-registertoets", "wlz-aanvragen"],
    )
    admin = AdministratorFactory(
        organisation=organisation,
        username="abeheer",
        voornaam="Anna",
        achternaam="Beheer",
        email="anna.beheer@proefstad.nl",
    )
    colleague = UserFactory(
        organisation=organisation,
        username="ptest",
        voornaam="Piet",
        tussenvoegsel="van der",
        achternaam="Test-Langenaamsbergen",
        email="piet.vandertest-langenaamsbergen@proefstad.nl",
    )
    grant(colleague, "iwmo", "gebruiker")
    UserFactory(organisation=organisation, status=Status.INVITED, email="nieuw@proefstad.nl")
    UserFactory(
        organisation=organisation,
        status=Status.PENDING,
        self_registered=True,
        email="zelf.aangemeld.met.een.lang.adres@proefstad.nl",
    )
    UserFactory(
        organisation=organisation,
        status=Status.DEACTIVATED,
        deactivated_until=timezone.localdate() + datetime.timedelta(days=10),
        email="weg@proefstad.nl",
    )
    UserFactory(
        organisation=organisation,
        status=Status.DELETED,
        email="",
        deletion_reason="Uit dienst per 1 maart, taken overgedragen aan de collega's van team Zorg",
    )
    from knooppunt.scim import services as scim_services

    token, _secret = scim_services.issue_token(
        admin, organisation, name="Entra ID", networks=["192.0.2.0/24", "2001:db8::/32"]
    )
    return {"organisation": organisation, "admin": admin, "colleague": colleague, "token": token}


def _check(page, name: str, failures: dict) -> None:
    found = check_at_both_widths(page)
    if found:
        failures[name] = found


def _visit(page, path: str, failures: dict, *, shown: bool = False) -> None:
    """Check the page at `path`; `shown`: it must be the screen itself, not a 404 or a redirect
    to another page."""
    response = page.goto(path)
    assert response is not None and response.status < 500, (path, response and response.status)
    if shown:
        assert response.status == 200 and page.url.endswith(path), (path, response.status, page.url)
    _check(page, path, failures)


def test_every_screen_of_the_contract_as_its_administrator(page, live_server, world):
    log_in_context(page.context, world["admin"], live_server.url)
    ids = {"pk": world["colleague"].pk, "token": world["token"].pk}
    failures: dict = {}
    seen = []
    for namespace in CONTRACT_NAMESPACES:
        for screen in screens(namespace):
            if screen.viewname in DOWNLOADS:
                continue
            path = screen.url(ids)
            seen.append(screen.viewname)
            _visit(page, path, failures)
    # "Welkom" with the administrator's tiles, and the states that only some pages show: a
    # search, a filter, form errors.
    _visit(page, reverse("core:welcome"), failures)
    _visit(page, reverse("usermanagement:user_list") + "?zoeken=test&toon_verwijderd=1", failures)
    _visit(page, reverse("usermanagement:user_list") + "?status=uitgenodigd", failures)
    _visit(page, reverse("audit:log") + "?van=2026-12-31&tot=2026-01-01", failures)
    page.goto(reverse("usermanagement:user_create"))
    with page.expect_navigation():
        page.get_by_role("button", name="Wijzigingen Opslaan").first.click()
    _check(page, f"{page.url} (errors)", failures)
    assert "usermanagement:user_edit" in seen and "audit:log" in seen
    assert failures == {}, failures


def test_every_page_of_a_user_and_of_anonymous_visitors(page, live_server, world, browser):
    failures: dict = {}
    for path in [
        reverse("accounts:login"),
        reverse("accounts:password_request"),
        reverse("accounts:set_password", args=["verlopen"]),
        reverse("core:privacy"),
        reverse("core:accessibility"),
        reverse("aanmelding:apply"),
        reverse("aanmelding:done"),
        reverse("eherkenning:choose_broker"),
        "/bestaat-niet/",
    ]:
        _visit(page, path, failures)
    page.goto(reverse("accounts:login"))
    page.get_by_role("button", name="Log on").click()
    _check(page, "login (errors)", failures)
    page.goto(reverse("aanmelding:apply"))
    page.get_by_role("button", name="Aanmelding versturen").click()
    _check(page, "aanmelding (errors)", failures)

    log_in_context(page.context, world["colleague"], live_server.url)
    for path in [
        reverse("core:welcome"),
        reverse("accounts:profile"),
        reverse("accounts:password_change"),
        reverse("accounts:authenticator_setup"),
        reverse("organisations:detail"),
    ]:
        _visit(page, path, failures)

    # Behind the agreements gate.
    gated = AdministratorFactory(organisation=OrganisationFactory(agreements_signed=False))
    context = browser.new_context(locale="nl-NL", base_url=live_server.url)
    log_in_context(context, gated, live_server.url)
    other = context.new_page()
    _visit(other, reverse("core:welcome"), failures)
    context.close()
    assert failures == {}, failures


def test_every_page_of_the_operator_console(page, live_server, world):
    aanmelding = application()
    operator = OperatorUserFactory()
    log_in_context(page.context, operator, live_server.url)
    failures: dict = {}
    paths = [reverse("operator:index"), reverse("core:welcome")]
    for model, model_admin in operator_site._registry.items():
        opts = model._meta
        paths.append(reverse(f"operator:{opts.app_label}_{opts.model_name}_changelist"))
        assert isinstance(model_admin, django_admin.ModelAdmin)
    organisation = world["organisation"]
    paths += [
        reverse("operator:organisations_organisation_change", args=[organisation.pk]),
        reverse("operator:organisations_organisation_appoint_admin", args=[organisation.pk]),
        reverse("operator:accounts_user_change", args=[world["colleague"].pk]),
        reverse("operator:aanmelding_aanmelding_change", args=[aanmelding.pk]),
        reverse("operator:aanmelding_accept", args=[aanmelding.pk]),
        reverse("operator:aanmelding_reject", args=[aanmelding.pk]),
        reverse("usermanagement:user_list"),
        reverse("audit:log"),
    ]
    for path in paths:
        _visit(page, path, failures)
    page.goto(reverse("operator:aanmelding_reject", args=[aanmelding.pk]))
    page.get_by_role("button", name="Afwijzen").click()
    _check(page, "reject (errors)", failures)
    assert failures == {}, failures


def test_the_checks_find_what_they_look_for(browser, live_server, world):
    """The sweep above can fail: each check sees its problem when there is one."""
    from knooppunt.testing.browser import PHONE, page_problems

    # The problems are made by a script with inline styles, which the portal's CSP would block.
    context = browser.new_context(
        locale="nl-NL", base_url=live_server.url, viewport=PHONE, bypass_csp=True
    )
    log_in_context(context, world["admin"], live_server.url)
    page = context.new_page()
    page.goto(reverse("usermanagement:user_list"))
    header = page.evaluate("document.querySelector('.site-header').offsetHeight")
    assert header <= PHONE["height"] / 5
    page.evaluate(
        """() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend',
          '<div style="width: 900px">{% translate "x" %}</div>' +
          '<input aria-describedby="bestaat_niet" aria-label="proef">');
        document.querySelector('.site-header').style.minHeight = '400px';
    }"""
    )
    problems = " | ".join(str(p) for p in page_problems(page))
    assert "template syntax" in problems
    assert "aria-describedby points to a missing element: bestaat_niet" in problems
    assert "scrolls sideways" in problems
    assert "the header is 400 px" in problems
    context.close()


@pytest.fixture
def demo(live_db, settings, tmp_path):
    """The demo data (every product in use), with what its screens show besides: a refused
    file, a bulk check, a product's Productbeheerder with an address and a credential."""
    from knooppunt.aanvragen.models import Aanvraag
    from knooppunt.aanvragen.models import Status as AanvraagStatus
    from knooppunt.access.models import Product
    from knooppunt.accounts.models import User
    from knooppunt.exchange import services as exchange_services
    from knooppunt.exchange.models import Message
    from knooppunt.operators.demo import seed
    from knooppunt.products.models import NotificationAddress
    from knooppunt.registertoets import services as registertoets_services
    from knooppunt.testing.api import make_credential

    settings.STORAGES = {
        **settings.STORAGES,
        "exchange": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "berichten"), "base_url": None},
        },
        "bijlagen": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "bijlagen"), "base_url": None},
        },
    }
    seed()
    gemeente_user = User.objects.get(email="piet.test@voorbeeldstad.example")
    gemeente = gemeente_user.organisation
    [refused] = exchange_services.offer(
        gemeente_user, gemeente, "ijw", "jw301-kapot.xml", b"<Bericht><Header>"
    )
    check = registertoets_services.submit_bulk(
        gemeente_user, [("111222333", datetime.date(1938, 4, 12))], reden="aanvraag"
    )
    submitter = User.objects.get(email="mark.bakker@delinde.example")
    concept = Aanvraag.objects.filter(
        organisation=submitter.organisation, status=AanvraagStatus.CONCEPT
    ).first()
    submitted = (
        Aanvraag.objects.filter(organisation=submitter.organisation)
        .exclude(status=AanvraagStatus.CONCEPT)
        .filter(bijlagen__isnull=False)
        .first()
    )
    beheerder = UserFactory(
        organisation=gemeente, username="pbeheer", email="pb@voorbeeldstad.example"
    )
    grant(beheerder, "iwmo", "productbeheerder")
    credential, _key = make_credential(
        gemeente, "iwmo", name="Suite4Jeugd productie", networks=["192.0.2.0/24", "2001:db8::/32"]
    )
    address = NotificationAddress.objects.create(
        organisation=gemeente,
        product=Product.objects.get(code="iwmo"),
        email="berichten.wmo@voorbeeldstad.example",
    )
    message = Message.objects.filter(receiver=gemeente).order_by("pk").first()
    return {
        "users": {
            "exchange": gemeente_user,
            "registertoets": gemeente_user,
            "aanvragen": submitter,
            "products": beheerder,
            # The organisation's overview of lookups is its administrator's.
            "registertoets:overzicht": User.objects.get(email="anna.jansen@voorbeeldstad.example"),
        },
        "ids": {
            "exchange": {"pk": message.pk, "refusal": refused.refusal.pk},
            "registertoets": {"pk": check.pk},
            "aanvragen": {"pk": concept.pk, "bijlage": 0},
            "products": {
                "organisation": gemeente.pk,
                "product": "iwmo",
                "address": address.pk,
                "credential": credential.pk,
            },
        },
        "submitted": submitted,
        "operator": User.objects.get(email="sanne@knooppunt.example"),
        "gemeente": gemeente,
    }


def test_every_screen_of_the_products_as_their_users(page, live_server, demo):
    failures: dict = {}
    seen = []
    for namespace in PRODUCT_NAMESPACES:
        for screen in screens(namespace):
            if screen.viewname in DOWNLOADS or screen.viewname in POST_ONLY:
                continue
            who = demo["users"].get(screen.viewname, demo["users"][namespace])
            log_in_context(page.context, who, live_server.url)
            seen.append(screen.viewname)
            path = screen.url(demo["ids"][namespace])
            # "Productinstellingen" sends a Productbeheerder of one organisation to its tab.
            _visit(page, path, failures, shown=screen.viewname != "products:index")
    assert {
        "exchange:detail",
        "registertoets:bulk_detail",
        "aanvragen:edit",
        "products:tab",
    } <= set(seen)

    # The states only some pages show: a search, an answer, a result, form errors.
    log_in_context(page.context, demo["users"]["exchange"], live_server.url)
    _visit(page, reverse("exchange:outbox") + "?zoeken=x&laat=1", failures)
    _visit(page, reverse("exchange:inbox") + "?van=2026-13-01", failures)
    page.goto(reverse("exchange:upload"))
    page.get_by_role("button", name="Controleren", exact=True).click()
    expect(page.get_by_role("heading", name="Er is een probleem")).to_be_visible()
    _check(page, "upload (errors)", failures)
    page.goto(reverse("exchange:inbox"))
    page.get_by_role("button", name="Gekozen berichten downloaden (ZIP)").click()
    _check(page, "download_many (nothing chosen)", failures)
    page.goto(reverse("registertoets:raadplegen"))
    page.get_by_label("BSN").fill("111222333")
    page.get_by_label("Geboortedatum").fill("1938-04-12")
    page.get_by_label("Reden van raadpleging").select_option(
        label="Gerede twijfel samenloop Wmo/Wlz"
    )
    page.get_by_role("button", name="Raadplegen").click()
    expect(page.get_by_role("heading", name="Antwoord: Ja")).to_be_visible()
    _check(page, "raadplegen (Ja)", failures)
    page.get_by_role("button", name="Raadplegen").click()
    _check(page, "raadplegen (errors)", failures)
    page.goto(reverse("registertoets:bulk"))
    page.get_by_role("button", name="Bestand controleren").click()
    _check(page, "bulk (errors)", failures)

    log_in_context(page.context, demo["users"]["aanvragen"], live_server.url)
    _visit(page, reverse("aanvragen:list") + "?zoeken=de&te_laat=1", failures)
    _visit(page, reverse("aanvragen:detail", args=[demo["submitted"].pk]), failures)
    page.goto(reverse("aanvragen:new"))
    page.get_by_role("button", name="Verder").click()
    _check(page, "kies aanvraag (errors)", failures)
    page.goto(reverse("aanvragen:new") + "?soort=regulier")
    page.get_by_label("BSN").fill("123")
    page.get_by_role("button", name="Indienen").click()
    expect(page.get_by_role("heading", name="Er is een probleem")).to_be_visible()
    _check(page, "aanvraag (errors)", failures)
    page.goto(reverse("aanvragen:withdraw", args=[demo["submitted"].pk]))
    page.get_by_role("button", name="Aanvraag intrekken").click()
    _check(page, "intrekken (errors)", failures)

    log_in_context(page.context, demo["users"]["products"], live_server.url)
    ids = demo["ids"]["products"]
    page.goto(reverse("products:tab", args=[ids["organisation"], "iwmo"]))
    page.get_by_role("button", name="Adres toevoegen").click()
    _check(page, "meldingen (errors)", failures)
    page.goto(reverse("products:credential_create", args=[ids["organisation"], "iwmo"]))
    page.get_by_role("button", name="Koppeling aanmaken").click()
    _check(page, "koppeling (errors)", failures)
    page.get_by_label("Naam").fill("Berichtenmodule")
    page.get_by_role("button", name="Koppeling aanmaken").click()
    expect(page.get_by_role("heading", name="De koppeling is aangemaakt")).to_be_visible()
    _check(page, "koppeling (sleutel)", failures)
    assert failures == {}, failures


def test_every_product_page_of_the_operator_console(page, live_server, demo):
    from knooppunt.registertoets.models import RegisterImport

    log_in_context(page.context, demo["operator"], live_server.url)
    failures: dict = {}
    register_import = RegisterImport.objects.order_by("pk").first()
    submitted = demo["submitted"]
    for path in [
        reverse("operator:index"),
        reverse("operator:exchange_standardspage_changelist"),
        reverse("operator:registertoets_registerimport_changelist"),
        reverse("operator:registertoets_registerimport_add"),
        reverse("operator:registertoets_registerimport_change", args=[register_import.pk]),
        reverse("operator:registertoets_raadpleging_changelist"),
        reverse("operator:registertoets_zorgzwaartepakket_changelist"),
        reverse("operator:aanvragen_aanvraag_changelist"),
        reverse("operator:aanvragen_aanvraag_changelist") + "?q=Jansen",
        reverse("operator:aanvragen_aanvraag_change", args=[submitted.pk]),
        reverse("operator:aanvragen_bijlagesoort_changelist"),
        reverse("operator:aanvragen_checklistitem_changelist"),
        reverse("products:index"),
        reverse("products:index") + f"?zoek=Voorbeeld&organisatie={demo['gemeente'].pk}",
        reverse("products:tab", args=[demo["gemeente"].pk, "iwmo"]),
    ]:
        _visit(page, path, failures, shown=True)
    page.goto(reverse("operator:registertoets_registerimport_add"))
    page.get_by_role("button", name="Importeren").click()
    _check(page, "import (errors)", failures)
    page.goto(reverse("operator:registertoets_raadpleging_changelist"))
    page.get_by_label("BSN").fill("111222333")
    page.get_by_role("button", name="Zoeken").first.click()
    expect(page.locator("#resultaat")).to_be_visible()
    _check(page, "inzage (found)", failures)
    page.get_by_label("BSN").fill("123")
    page.get_by_role("button", name="Zoeken").first.click()
    _check(page, "inzage (errors)", failures)
    assert failures == {}, failures
