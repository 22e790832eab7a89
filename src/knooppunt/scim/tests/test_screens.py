"""The "Koppelingen" page: the screen-access contract, issuing (the token shown once),
revoking, and the operator's view of every organisation's tokens."""

import pytest
from django.urls import reverse

from knooppunt.scim import services
from knooppunt.scim.models import ScimToken
from knooppunt.testing.factories import (
    AdministratorFactory,
    OperatorUserFactory,
    OrganisationFactory,
    UserFactory,
)
from knooppunt.testing.views import ScreenAccessContract, ScreenWorld

pytestmark = pytest.mark.django_db


class TestKoppelingenScreens(ScreenAccessContract):
    namespaces = ("koppelingen",)
    post_data = {"name": "proef"}

    @pytest.fixture
    def screen_world(self, db) -> ScreenWorld:
        org = OrganisationFactory(naam="Gemeente Eigen")
        other = OrganisationFactory(naam="Gemeente Anders")
        admin = AdministratorFactory(organisation=org)
        token, _secret = services.issue_token(admin, org, name="Eigen koppeling")
        return ScreenWorld(
            admin=admin,
            colleague=UserFactory(organisation=org),
            other_admin=AdministratorFactory(organisation=other),
            ordinary=UserFactory(organisation=org),
            extra={"token": token.pk},
        )


def test_issue_shows_the_token_once(client):
    admin = AdministratorFactory()
    client.force_login(admin)
    page = client.get(reverse("koppelingen:token_list"))
    assert page.status_code == 200
    assert "/scim/v2/" in page.content.decode()
    response = client.post(
        reverse("koppelingen:token_issue"),
        {"name": "Entra ID", "expires_on": "2099-01-01", "networks": "192.0.2.0/24"},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ScimToken.objects.get()
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert token.allowed_networks == ["192.0.2.0/24"]
    listing = client.get(reverse("koppelingen:token_list")).content.decode()
    assert "Entra ID" in listing and token.prefix in listing and secret not in listing


def test_bad_input_gets_dutch_messages(client):
    client.force_login(AdministratorFactory())
    response = client.post(
        reverse("koppelingen:token_issue"), {"name": "", "networks": "hier", "expires_on": "x"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "geen IP-adres" in text and "Dit veld is verplicht" in text
    assert not ScimToken.objects.exists()


def test_revoke(client):
    admin = AdministratorFactory()
    token, _secret = services.issue_token(admin, admin.organisation, name="HR")
    client.force_login(admin)
    url = reverse("koppelingen:token_revoke", args=[token.pk])
    assert "Weet u zeker" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by_username == admin.username


def test_the_operator_sees_and_revokes_every_token(client):
    first = AdministratorFactory(organisation=OrganisationFactory(naam="Gemeente Een"))
    second = AdministratorFactory(organisation=OrganisationFactory(naam="Gemeente Twee"))
    one, _ = services.issue_token(first, first.organisation, name="Koppeling een")
    services.issue_token(second, second.organisation, name="Koppeling twee")
    operator = OperatorUserFactory()
    client.force_login(operator)
    text = client.get(reverse("koppelingen:token_list")).content.decode()
    assert "Koppeling een" in text and "Koppeling twee" in text and "Gemeente Twee" in text
    assert "Nieuwe koppeling" not in text
    only = client.get(reverse("koppelingen:token_list"), {"organisatie": first.organisation_id})
    assert "Koppeling twee" not in only.content.decode()
    assert client.post(reverse("koppelingen:token_issue"), {"name": "x"}).status_code == 404
    client.post(reverse("koppelingen:token_revoke", args=[one.pk]))
    one.refresh_from_db()
    assert one.revoked_at is not None


def test_the_submenu_leads_to_the_page(client):
    client.force_login(AdministratorFactory())
    text = client.get(reverse("usermanagement:user_list")).content.decode()
    assert reverse("koppelingen:token_list") in text
