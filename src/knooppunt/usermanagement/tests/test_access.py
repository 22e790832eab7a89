"""Every screen of user management and "Organisatie", every method: login required, no entry
without the administrator right, 404 for another organisation's ids, CSRF enforced."""

import pytest
from django.urls import reverse

from knooppunt.testing.factories import AdministratorFactory, OrganisationFactory, UserFactory
from knooppunt.testing.views import ScreenAccessContract, screens

pytestmark = pytest.mark.django_db


class TestUserManagementScreens(ScreenAccessContract):
    namespaces = ("usermanagement", "organisations", "audit")
    open_to_every_user = ("organisations:detail",)


def test_the_walk_finds_the_screens_of_the_contract():
    names = {s.viewname for s in screens("usermanagement")}
    assert {
        "usermanagement:user_list",
        "usermanagement:user_create",
        "usermanagement:user_edit",
        "usermanagement:user_delete",
    } <= names
    edit = next(s for s in screens("usermanagement") if s.name == "user_edit")
    assert edit.params == ["pk"]


def test_ordinary_user_cannot_send_a_change_request(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("organisations:detail")).status_code == 200
    response = client.post(reverse("organisations:detail"), {"text": "Nieuw adres"})
    assert response.status_code == 404
    assert not user.organisation.change_requests.exists()


def test_administrator_behind_the_agreements_gate_manages_nobody(client):
    admin = AdministratorFactory(organisation=OrganisationFactory(agreements_signed=False))
    client.force_login(admin)
    response = client.get(reverse("usermanagement:user_list"))
    assert response.status_code == 403
    assert "Overeenkomsten ontbreken" in response.content.decode()
