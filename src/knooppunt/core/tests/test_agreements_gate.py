import datetime

import pytest
from django.urls import reverse

from knooppunt.organisations.models import Agreement, AgreementKind
from knooppunt.testing.factories import AdministratorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gated_user():
    organisation = OrganisationFactory(agreements_signed=False)
    kind = AgreementKind.objects.get(code="gemeente-aansluiting")
    Agreement.objects.create(
        organisation=organisation, kind=kind, signed_on=datetime.date(2026, 1, 1)
    )
    return AdministratorFactory(organisation=organisation)


@pytest.mark.parametrize("url", ["/", "/operator/", "/iets/dat/niet/bestaat/"])
def test_user_of_gated_organisation_sees_only_the_missing_agreements(client, gated_user, url):
    client.force_login(gated_user)
    response = client.get(url)
    assert response.status_code == 403
    body = response.content.decode()
    assert "Bewerkersovereenkomst VECOZO" in body  # the missing one is named
    assert "Aansluitings- en bewerkersovereenkomst" not in body  # the signed one is not


def test_gated_user_can_still_log_out(client, gated_user):
    client.force_login(gated_user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_gate_opens_once_all_agreements_are_registered(client, gated_user):
    client.force_login(gated_user)
    kind = AgreementKind.objects.get(code="gemeente-vecozo")
    Agreement.objects.create(
        organisation=gated_user.organisation, kind=kind, signed_on=datetime.date(2026, 2, 1)
    )
    response = client.get("/")
    assert response.status_code == 200
    assert "Overeenkomsten ontbreken" not in response.content.decode()


def test_user_of_complete_organisation_sees_the_dashboard(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Welkom {user.username} van {user.organisation}" in body


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_pages_a_gate_leaves_open_are_the_named_ones_and_static_files(settings):
    from knooppunt.core.http import is_open_path
    from knooppunt.core.middleware import ALWAYS_OPEN

    assert is_open_path(reverse("accounts:logout"), ALWAYS_OPEN)
    assert is_open_path(settings.STATIC_URL + "css/knooppunt.css", ALWAYS_OPEN)
    assert not is_open_path(reverse("core:welcome"), ALWAYS_OPEN)
    assert not is_open_path(reverse("accounts:logout") + "extra/", ALWAYS_OPEN)
