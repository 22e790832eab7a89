"""The operator console's eHerkenning pages: brokers (the secret never shown back), branch
numbers on the organisation, and the registrations' codes."""

import pytest
from django.urls import reverse

from knooppunt.access.principals import COMMAND_LINE
from knooppunt.audit.models import AuditEvent
from knooppunt.eherkenning.models import Broker, Vestiging
from knooppunt.eherkenning.services import create_broker
from knooppunt.testing.broker import CLIENT_ID, CLIENT_SECRET
from knooppunt.testing.factories import (
    AdministratorFactory,
    OperatorUserFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client):
    client.force_login(OperatorUserFactory())
    return client


def test_operator_configures_a_broker_and_the_login_page_lists_it(
    operator_client, eherkenning_broker, client
):
    response = operator_client.post(
        reverse("operator:eherkenning_broker_add"),
        {
            "naam": "Makelaar Noord",
            "issuer": eherkenning_broker.issuer + "/.well-known/openid-configuration",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    broker = Broker.objects.get(naam="Makelaar Noord")
    assert broker.issuer == eherkenning_broker.issuer  # the discovery address is reduced
    assert broker.client_secret == CLIENT_SECRET
    event = AuditEvent.objects.get(action="eherkenning.broker_create")
    assert CLIENT_SECRET not in str(event.details)

    # The secret is never sent back, not on the change page, not in the list.
    change = operator_client.get(reverse("operator:eherkenning_broker_change", args=[broker.pk]))
    assert change.status_code == 200
    assert CLIENT_SECRET not in change.content.decode()
    assert (
        CLIENT_SECRET
        not in operator_client.get(
            reverse("operator:eherkenning_broker_changelist")
        ).content.decode()
    )

    operator_client.post(reverse("accounts:logout"))
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("eherkenning:choose_broker") in page and "Inloggen met eHerkenning" in page
    choice = client.get(reverse("eherkenning:choose_broker")).content.decode()
    assert "Makelaar Noord" in choice and "eHerkenningmakelaar" in choice and "Verder" in choice


def test_editing_a_broker_keeps_the_secret_unless_a_new_one_is_typed(operator_client):
    broker = create_broker(
        COMMAND_LINE,
        naam="Makelaar",
        issuer="https://makelaar.example",
        client_id="a",
        client_secret="oud",
    )
    url = reverse("operator:eherkenning_broker_change", args=[broker.pk])
    data = {"naam": "Makelaar Zuid", "issuer": broker.issuer, "client_id": "a", "active": "on"}
    assert operator_client.post(url, {**data, "client_secret": ""}).status_code == 302
    broker.refresh_from_db()
    assert (broker.naam, broker.client_secret) == ("Makelaar Zuid", "oud")
    event = AuditEvent.objects.get(action="eherkenning.broker_change")
    assert event.details == {"fields": ["naam"]}

    assert operator_client.post(url, {**data, "client_secret": "nieuw"}).status_code == 302
    broker.refresh_from_db()
    assert broker.client_secret == "nieuw"


def test_operator_sets_the_names_of_the_brokers_claims(operator_client):
    add = operator_client.get(reverse("operator:eherkenning_broker_add")).content.decode()
    assert "Claim met het KvK-nummer" in add and 'value="kvk"' in add
    assert 'value="vestigingsnummer"' in add and 'value="pseudo_id"' in add
    data = {
        "naam": "Makelaar",
        "issuer": "https://makelaar.example",
        "client_id": "a",
        "client_secret": "b",
        "active": "on",
        "kvk_claim": "urn:etoegang:core:LegalSubjectID",
        "vestigingsnummer_claim": "urn:etoegang:1.9:ServiceRestriction:Vestigingsnr",
        "pseudo_id_claim": "sub",  # the broker's subject is the pseudonym
    }
    response = operator_client.post(reverse("operator:eherkenning_broker_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    broker = Broker.objects.get()
    assert broker.claim_names == {
        "kvk": "urn:etoegang:core:LegalSubjectID",
        "vestigingsnummer": "urn:etoegang:1.9:ServiceRestriction:Vestigingsnr",
        "pseudo_id": "sub",
    }

    url = reverse("operator:eherkenning_broker_change", args=[broker.pk])
    change = operator_client.get(url).content.decode()
    assert 'value="urn:etoegang:core:LegalSubjectID"' in change
    del data["client_secret"]
    # Left empty: the usual name again; the change is audited by field name.
    response = operator_client.post(url, {**data, "kvk_claim": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    broker.refresh_from_db()
    assert broker.kvk_claim == "kvk"
    event = AuditEvent.objects.get(action="eherkenning.broker_change")
    assert event.details == {"fields": ["kvk_claim"]}


@pytest.mark.parametrize(
    ("claims", "field", "message"),
    [
        ({"kvk_claim": "kvk nummer"}, "kvk_claim", "zonder spaties"),
        ({"vestigingsnummer_claim": "acr"}, "vestigingsnummer_claim", "vaste claim van OpenID"),
        ({"pseudo_id_claim": "nonce"}, "pseudo_id_claim", "vaste claim van OpenID"),
        ({"kvk_claim": "sub"}, "kvk_claim", "De sub identificeert de persoon"),
        ({"pseudo_id_claim": "kvk"}, "pseudo_id_claim", "Geef de drie claims elk een eigen naam."),
    ],
)
def test_bad_claim_names_get_a_message(operator_client, claims, field, message):
    response = operator_client.post(
        reverse("operator:eherkenning_broker_add"),
        {
            "naam": "Fout",
            "issuer": "https://makelaar.example",
            "client_id": "a",
            "client_secret": "b",
            "active": "on",
            **claims,
        },
    )
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors[field])
    assert not Broker.objects.exists()


def test_changing_the_issuer_empties_the_cached_configuration(operator_client):
    broker = create_broker(
        COMMAND_LINE,
        naam="Makelaar",
        issuer="https://makelaar.example",
        client_id="a",
        client_secret="x",
    )
    Broker.objects.filter(pk=broker.pk).update(metadata={"issuer": "https://makelaar.example"})
    url = reverse("operator:eherkenning_broker_change", args=[broker.pk])
    data = {"naam": "Makelaar", "issuer": "https://nieuw.example", "client_id": "a", "active": "on"}
    assert operator_client.post(url, data).status_code == 302
    broker.refresh_from_db()
    assert broker.metadata == {} and broker.metadata_fetched_at is None


@pytest.mark.parametrize(
    ("issuer", "message"),
    [
        ("http://makelaar.example", "Gebruik een https-adres voor de makelaar."),
        ("geen adres", "Vul het adres van de makelaar in"),
        ("https://makelaar.example/?x=1", "mag geen ? of # bevatten"),
    ],
)
def test_bad_broker_address_gets_a_message(operator_client, issuer, message):
    response = operator_client.post(
        reverse("operator:eherkenning_broker_add"),
        {"naam": "Fout", "issuer": issuer, "client_id": "a", "client_secret": "b", "active": "on"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Broker.objects.exists()


def test_new_broker_needs_a_secret(operator_client):
    response = operator_client.post(
        reverse("operator:eherkenning_broker_add"),
        {"naam": "X", "issuer": "https://x.example", "client_id": "a", "client_secret": ""},
    )
    assert response.status_code == 200
    assert "Vul het client secret in" in response.content.decode()
    assert not Broker.objects.exists()


def test_connection_test_fetches_the_configuration(operator_client, eherkenning_broker):
    broker = create_broker(
        COMMAND_LINE,
        naam="Makelaar",
        issuer=eherkenning_broker.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )
    dead = create_broker(
        COMMAND_LINE, naam="Weg", issuer="http://127.0.0.1:1", client_id="a", client_secret="b"
    )
    response = operator_client.post(
        reverse("operator:eherkenning_broker_changelist"),
        {"action": "test_connection", "_selected_action": [broker.pk, dead.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "Makelaar: verbinding in orde." in html
    assert "Weg: niet bereikbaar of onbruikbaar" in html
    broker.refresh_from_db()
    assert broker.metadata["jwks"]["keys"]


@pytest.mark.parametrize(
    "name",
    [
        "operator:eherkenning_broker_changelist",
        "operator:eherkenning_broker_add",
        "operator:eherkenning_registration_changelist",
    ],
)
def test_administrator_cannot_reach_the_eherkenning_console(client, name):
    client.force_login(AdministratorFactory())
    assert client.get(reverse(name), follow=True).status_code == 404


def organisation_form(organisation, **extra) -> dict:
    data = {
        "naam": organisation.naam,
        "type": organisation.type,
        "profile": organisation.profile,
        "gemeentecode": organisation.gemeentecode,
        "kvk_nummer": organisation.kvk_nummer,
        "login_password": "on",
        "login_eherkenning": "on",
    }
    for prefix in ("email_domains", "agreements", "vestigingen"):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    data.update(extra)
    return data


def test_operator_registers_branch_numbers_on_the_organisation(operator_client):
    organisation = OrganisationFactory()
    url = reverse("operator:organisations_organisation_change", args=[organisation.pk])
    page = operator_client.get(url).content.decode()
    assert "Vestigingsnummers voor eHerkenning" in page
    response = operator_client.post(
        url,
        organisation_form(
            organisation, **{"vestigingen-TOTAL_FORMS": "1", "vestigingen-0-vestigingsnummer": "12"}
        ),
    )
    assert response.status_code == 200
    assert "Een vestigingsnummer bestaat uit 12 cijfers." in response.content.decode()
    assert not Vestiging.objects.exists()

    response = operator_client.post(
        url,
        organisation_form(
            organisation,
            **{"vestigingen-TOTAL_FORMS": "1", "vestigingen-0-vestigingsnummer": "000012345678"},
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(organisation.vestigingen.values_list("vestigingsnummer", flat=True)) == [
        "000012345678"
    ]
    assert AuditEvent.objects.filter(
        action="organisation.vestiging", organisation_id=organisation.pk
    ).exists()
    # The same branch cannot belong to two organisations.
    other = OrganisationFactory()
    response = operator_client.post(
        reverse("operator:organisations_organisation_change", args=[other.pk]),
        organisation_form(
            other,
            **{"vestigingen-TOTAL_FORMS": "1", "vestigingen-0-vestigingsnummer": "000012345678"},
        ),
    )
    assert response.status_code == 200
    assert "Dit vestigingsnummer hoort al bij een organisatie." in response.content.decode()
