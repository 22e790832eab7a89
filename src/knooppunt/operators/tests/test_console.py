import pytest
from django.urls import reverse

from knooppunt.accounts.models import User
from knooppunt.audit.models import AuditEvent
from knooppunt.organisations.models import Organisation
from knooppunt.testing.factories import (
    AdministratorFactory,
    OperatorUserFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "operator:index",
        "operator:organisations_organisation_changelist",
        "operator:accounts_user_changelist",
        "operator:audit_auditevent_changelist",
    ],
)
def test_administrator_cannot_enter_the_console(client, name):
    client.force_login(AdministratorFactory())
    response = client.get(reverse(name), follow=True)
    assert response.status_code == 404


def test_anonymous_visitor_is_sent_to_the_portal_login(client):
    response = client.get(reverse("operator:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))


def test_operator_lists_and_edits_organisations(client):
    operator = OperatorUserFactory()
    organisation = OrganisationFactory(naam="Gemeente Lijst")
    client.force_login(operator)
    response = client.get(reverse("operator:organisations_organisation_changelist"))
    assert response.status_code == 200
    assert "Gemeente Lijst" in response.content.decode()
    response = client.get(
        reverse("operator:organisations_organisation_change", args=[organisation.pk])
    )
    assert response.status_code == 200
    assert "Gebruikersbeheerder benoemen" in response.content.decode()


def test_operator_creates_organisation_with_bad_agb_gets_a_message(client):
    client.force_login(OperatorUserFactory())
    before = Organisation.objects.count()
    response = client.post(
        reverse("operator:organisations_organisation_add"),
        {
            "naam": "Zorg Fout",
            "type": "zorgaanbieder",
            "profile": "basis",
            "agb_code": "12",
            "login_password": "on",
            "email_domains-TOTAL_FORMS": "0",
            "email_domains-INITIAL_FORMS": "0",
            "agreements-TOTAL_FORMS": "0",
            "agreements-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Een AGB-code bestaat uit 8 cijfers." in response.content.decode()
    assert Organisation.objects.count() == before


def test_operator_registers_an_agreement(client):
    operator = OperatorUserFactory()
    organisation = OrganisationFactory(agreements_signed=False)
    client.force_login(operator)
    from knooppunt.organisations.models import AgreementKind

    kind = AgreementKind.objects.get(code="gemeente-vecozo")
    data = {
        "naam": organisation.naam,
        "type": "gemeente",
        "profile": "basis",
        "gemeentecode": organisation.gemeentecode,
        "kvk_nummer": organisation.kvk_nummer,
        "login_password": "on",
        "email_domains-TOTAL_FORMS": "0",
        "email_domains-INITIAL_FORMS": "0",
        "agreements-TOTAL_FORMS": "1",
        "agreements-INITIAL_FORMS": "0",
        "vestigingen-TOTAL_FORMS": "0",
        "vestigingen-INITIAL_FORMS": "0",
        "agreements-0-kind": kind.pk,
        "agreements-0-signed_on": "15-01-2026",
    }
    response = client.post(
        reverse("operator:organisations_organisation_change", args=[organisation.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    agreement = organisation.agreements.get()
    assert agreement.registered_by == operator
    assert AuditEvent.objects.filter(action="agreement.register").exists()


def test_operator_appoints_an_administrator(client, mail_outbox):
    client.force_login(OperatorUserFactory())
    organisation = OrganisationFactory(domains=["proef.nl"])
    url = reverse("operator:organisations_organisation_appoint_admin", args=[organisation.pk])
    response = client.post(
        url,
        {"voorletters": "A", "voornaam": "Anna", "achternaam": "Smit", "email": "info@proef.nl"},
    )
    assert response.status_code == 200
    assert "Algemene adressen" in response.content.decode()
    response = client.post(
        url,
        {"voorletters": "A", "voornaam": "Anna", "achternaam": "Smit", "email": "anna@proef.nl"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="anna@proef.nl")
    assert user.is_administrator and user.organisation == organisation
    assert len(mail_outbox.to("anna@proef.nl")) == 1


def test_console_user_page_is_view_only_and_links_to_user_management(client):
    """Edits go through the user-management services (e-mail rules, last-administrator guard)."""
    operator = OperatorUserFactory()
    admin = AdministratorFactory()
    client.force_login(operator)
    url = reverse("operator:accounts_user_change", args=[admin.pk])
    page = client.get(url).content.decode()
    assert reverse("usermanagement:user_edit", args=[admin.pk]) in page
    response = client.post(url, {"is_administrator": "", "email": "ander@proef.example"})
    assert response.status_code == 403
    admin.refresh_from_db()
    assert admin.is_administrator
