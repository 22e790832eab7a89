"""Every page, as the people who see it: every screen of the screen-access contract (found by
walking the URL resolver), the pages without login, the statements, the gate, the public
"Aanmelden gebruikersbeheerder" form and the operator console. On each, at 390 and at 1280
pixels wide: no sideways scrolling, a header of at most a fifth of a phone's screen, every
aria-describedby pointing to an element that exists, no template syntax, and nothing that
axe-core finds with the WCAG 2.1 A/AA and 2.2 AA tags. Forms are also checked with errors."""

import datetime

import pytest
from django.contrib import admin as django_admin
from django.urls import reverse
from django.utils import timezone

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
# Screens that answer with a file, not a page.
DOWNLOADS = {"usermanagement:user_export", "audit:export"}


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


def _visit(page, path: str, failures: dict) -> None:
    response = page.goto(path)
    assert response is not None and response.status < 500, (path, response and response.status)
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
