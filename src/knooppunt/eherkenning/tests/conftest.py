"""Fixtures of the eHerkenning tests: a broker row for the running test broker, an organisation
that allows eHerkenning, and the login through the broker as a browser would do it."""

import pytest
from django.urls import reverse

from knooppunt.access.principals import COMMAND_LINE
from knooppunt.eherkenning.services import create_broker
from knooppunt.testing.broker import CLIENT_ID, CLIENT_SECRET, LOA, path_of
from knooppunt.testing.factories import AdministratorFactory, OrganisationFactory

KVK = "12345678"
LOA3 = LOA(3)


@pytest.fixture
def broker(eherkenning_broker):
    return create_broker(
        COMMAND_LINE,
        naam="Testmakelaar",
        issuer=eherkenning_broker.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )


@pytest.fixture
def organisation():
    return OrganisationFactory(
        naam="Gemeente Proefstad", kvk_nummer=KVK, login_eherkenning=True, domains=["proefstad.nl"]
    )


@pytest.fixture
def administrator(organisation):
    return AdministratorFactory(
        organisation=organisation, username="abeheer", email="a.beheer@proefstad.nl"
    )


def start(client, broker, **extra):
    """'Verder' on the broker choice page; returns the redirect to the broker."""
    response = client.post(reverse("eherkenning:choose_broker"), {"broker": broker.pk, **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def broker_login(client, running, broker, *, kvk=KVK, pseudo_id="pseudo-1", acr=LOA3, **claims):
    """Log in at the broker as the given person; return the portal's answer at the callback."""
    running.queue_login(kvk=kvk, pseudo_id=pseudo_id, acr=acr, **claims)
    callback = running.follow(start(client, broker))
    return client.get(path_of(callback))


PERSONAL = {
    "voorletters": "J.",
    "voornaam": "Jan",
    "tussenvoegsel": "",
    "achternaam": "Jansen",
    "email": "jan.jansen@proefstad.nl",
    "telefoonnummer": "06 12345678",
}
