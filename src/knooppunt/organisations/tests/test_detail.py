"""The "Organisatie" page (Portero 3.4): read-only data, "Actieve Rollen" with the profile
table, and a change request that lands in the operator console."""

import pytest
from django.urls import reverse

from knooppunt.audit.models import AuditEvent
from knooppunt.organisations.models import ChangeRequest, Profile
from knooppunt.testing.factories import (
    AdministratorFactory,
    OperatorUserFactory,
    OrganisationFactory,
    UserFactory,
)
from knooppunt.testing.html import cells

pytestmark = pytest.mark.django_db
DETAIL = reverse("organisations:detail")


@pytest.fixture
def organisation():
    return OrganisationFactory(
        naam="Zorggroep De Linde",
        weergavenaam="De Linde",
        agb_code="73730001",
        postcode="3811 AA",
        woonplaats="Amersfoort",
        profile=Profile.VOLLEDIG,
        products=["iwmo", "wlz-aanvragen"],
        domains=["delinde.nl"],
    )


def test_the_page_shows_the_data_read_only_and_the_profile_table(client, organisation):
    client.force_login(UserFactory(organisation=organisation))
    html = client.get(DETAIL).content.decode()
    assert f"Organisatie ({organisation.pk})" in html
    for value in ("Zorggroep De Linde", "73730001", "3811 AA", "Amersfoort", "delinde.nl"):
        assert value in html
    assert "<dt>Actieve Rollen:</dt><dd>Volledig</dd>" in html
    for kind in ("Reguliere Wlz-aanvragen", "Wzd-toets artikel 21-aanvragen", "Partnerverblijf"):
        assert kind in html
    assert cells(html, "Basis") and cells(html, "Volledig")
    assert "<input" not in html.split("Organisatiegegevens</h1>")[1]
    assert "Wijzigingsverzoek versturen" not in html  # an ordinary user cannot ask


def test_administrator_sends_a_change_request_that_the_operator_handles(client, organisation):
    admin = AdministratorFactory(organisation=organisation, username="mbakker")
    client.force_login(admin)
    response = client.post(DETAIL, {"text": "Nieuw adres: Stationsplein 1, 3811 AB Amersfoort"})
    assert response.status_code == 302
    html = client.get(DETAIL).content.decode()
    assert "Uw wijzigingsverzoek is verstuurd naar de beheerorganisatie." in html
    assert "Stationsplein 1" in html and "open" in html
    request = ChangeRequest.objects.get()
    assert request.requested_by_username == "mbakker" and request.organisation == organisation
    assert AuditEvent.objects.filter(action="organisation.change_request").exists()

    operator = OperatorUserFactory()
    client.force_login(operator)
    changelist = client.get(reverse("operator:organisations_changerequest_changelist"))
    assert (
        "Zorggroep De Linde" in changelist.content.decode()
        or "De Linde" in changelist.content.decode()
    )
    change_url = reverse("operator:organisations_changerequest_change", args=[request.pk])
    assert "Stationsplein 1" in client.get(change_url).content.decode()
    response = client.post(change_url, {"answer": "Aangepast."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.HANDLED
    assert request.handled_by == operator and request.answer == "Aangepast."

    client.force_login(admin)
    assert "Aangepast." in client.get(DETAIL).content.decode()


def test_an_empty_request_is_refused(client, organisation):
    client.force_login(AdministratorFactory(organisation=organisation))
    response = client.post(DETAIL, {"text": "  "})
    assert "Beschrijf de gewenste wijziging." in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_administrators_cannot_reach_the_operator_queue(client, organisation):
    client.force_login(AdministratorFactory(organisation=organisation))
    response = client.get(reverse("operator:organisations_changerequest_changelist"), follow=True)
    assert response.status_code == 404


def test_the_profile_table_is_only_for_organisations_with_wlz_aanvragen(client):
    organisation = OrganisationFactory(products=["iwmo", "ijw"])
    client.force_login(UserFactory(organisation=organisation))
    html = client.get(DETAIL).content.decode()
    assert "Actieve Rollen" not in html and "Partnerverblijf" not in html
    assert "Producten en rollen" in html


def test_the_page_explains_each_products_roles(client, organisation):
    client.force_login(UserFactory(organisation=organisation))
    html = client.get(DETAIL).content.decode()
    section = html[html.index('id="rollen-uitleg"') :]
    assert "Uploaden en downloaden van iWmo-berichten." in section
    assert "geen raadplegingen doen" in section  # Productbeheerder, BIDN 3.2.2
    assert "Wlz-aanvragen indienen en volgen" in section


def test_the_profile_names_stay_untranslated_in_english(client, organisation):
    client.force_login(UserFactory(organisation=organisation))
    client.cookies["django_language"] = "en"
    html = client.get(DETAIL).content.decode()
    assert "<dd>Volledig</dd>" in html
    assert cells(html, "Basis") and cells(html, "Volledig")
