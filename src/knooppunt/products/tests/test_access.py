"""Who opens the "Productinstellingen" tab: the Productbeheerder of THAT product in its own
organisation, and the operator. Not a Gebruiker of the product, not an administrator without the
role, not a Productbeheerder of another product or another organisation (BIDN 3.2.2)."""

import pytest
from django.test import Client
from django.urls import reverse

from knooppunt.products.models import NotificationAddress
from knooppunt.testing.api import make_credential
from knooppunt.testing.factories import (
    AdministratorFactory,
    OperatorUserFactory,
    OrganisationFactory,
    UserFactory,
    grant,
)
from knooppunt.testing.views import ScreenAccessContract, ScreenWorld, screens


class TestProductSettingsScreens(ScreenAccessContract):
    """Every URL of the tab: login required, another organisation's ids 404, a user without the
    Productbeheerder role 404, CSRF checked."""

    namespaces = ("products",)

    @pytest.fixture
    def screen_world(self, db) -> ScreenWorld:
        own = OrganisationFactory(naam="Gemeente Eigen", products=["iwmo", "ijw"])
        other = OrganisationFactory(naam="Gemeente Anders", products=["iwmo", "ijw"])
        beheerder = UserFactory(organisation=own)
        grant(beheerder, "iwmo", "productbeheerder")
        other_beheerder = UserFactory(organisation=other)
        grant(other_beheerder, "iwmo", "productbeheerder")
        gebruiker = AdministratorFactory(organisation=own)  # administrator AND Gebruiker
        grant(gebruiker, "iwmo", "gebruiker")
        credential, _key = make_credential(own, "iwmo")
        address = NotificationAddress.objects.create(
            organisation=own, product=credential.product, email="berichten@eigen.example"
        )
        return ScreenWorld(
            admin=beheerder,
            colleague=beheerder,
            other_admin=other_beheerder,
            ordinary=gebruiker,
            extra={
                "organisation": own.pk,
                "product": "iwmo",
                "address": address.pk,
                "credential": credential.pk,
            },
        )


def test_the_contract_covers_every_screen():
    names = {s.name for s in screens("products")}
    assert {"index", "tab", "credential_create", "credential_revoke", "credential_rotate"} <= names


@pytest.fixture
def tab_url(organisation):
    return reverse("products:tab", args=[organisation.pk, "iwmo"])


def test_productbeheerder_opens_the_tab_and_sees_the_menu_entry(productbeheerder, tab_url):
    client = Client()
    client.force_login(productbeheerder)
    response = client.get(reverse("products:index"))
    assert response.status_code == 302 and response["Location"] == tab_url
    page = client.get(tab_url).content.decode()
    assert "Meldingen" in page and "Webservice-koppelingen" in page
    assert f'href="{reverse("products:index")}"' in page  # the menu entry


@pytest.mark.parametrize(
    "role", [None, "gebruiker"], ids=["administrator without a role", "administrator+gebruiker"]
)
def test_administrators_without_the_role_do_not_see_it(organisation, tab_url, role):
    admin = AdministratorFactory(organisation=organisation)
    if role:
        grant(admin, "iwmo", role)
    client = Client()
    client.force_login(admin)
    assert client.get(tab_url).status_code == 404
    assert client.get(reverse("products:index")).status_code == 404
    welcome = client.get(reverse("core:welcome")).content.decode()
    assert reverse("products:index") not in welcome


def test_a_gebruiker_of_the_product_does_not_see_it(organisation, tab_url):
    user = UserFactory(organisation=organisation)
    grant(user, "iwmo", "gebruiker")
    client = Client()
    client.force_login(user)
    assert client.get(tab_url).status_code == 404


def test_productbeheerder_of_another_product_does_not_see_this_one(organisation, tab_url):
    user = UserFactory(organisation=organisation)
    grant(user, "ijw", "productbeheerder")
    client = Client()
    client.force_login(user)
    assert client.get(tab_url).status_code == 404
    assert client.get(reverse("products:tab", args=[organisation.pk, "ijw"])).status_code == 200


def test_a_product_the_organisation_does_not_have_is_a_404(organisation, productbeheerder):
    client = Client()
    client.force_login(productbeheerder)
    url = reverse("products:tab", args=[organisation.pk, "wlz-registertoets"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("products:tab", args=[organisation.pk, "onzin"])).status_code == 404


def test_a_suspended_role_opens_nothing(organisation, tab_url):
    user = UserFactory(organisation=organisation)
    grant(user, "iwmo", "productbeheerder", active=False)
    client = Client()
    client.force_login(user)
    assert client.get(tab_url).status_code == 404


def test_the_operator_finds_the_organisation_and_opens_any_tab(organisation, tab_url):
    operator = OperatorUserFactory()
    client = Client()
    client.force_login(operator)
    found = client.get(reverse("products:index"), {"zoek": "Instelstad"}).content.decode()
    assert f"?organisatie={organisation.pk}" in found
    listed = client.get(reverse("products:index"), {"organisatie": organisation.pk})
    assert tab_url in listed.content.decode()
    page = client.get(tab_url).content.decode()
    assert "Webservice-koppelingen" in page


def test_another_organisations_id_in_the_query_string_is_a_404(productbeheerder):
    other = OrganisationFactory()
    client = Client()
    client.force_login(productbeheerder)
    response = client.get(reverse("products:index"), {"organisatie": other.pk})
    assert response.status_code == 404


def test_the_tab_speaks_english_when_chosen(productbeheerder, tab_url):
    from django.conf import settings

    client = Client()
    client.force_login(productbeheerder)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(tab_url).content.decode()
    assert "Notifications" in page and "Web service links" in page
