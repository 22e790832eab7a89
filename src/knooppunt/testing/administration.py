"""An organisation with its administrator, a colleague and another organisation: the world of the
user-management and Logboek tests (their conftests import these fixtures)."""

from dataclasses import dataclass

import pytest

from knooppunt.testing.factories import AdministratorFactory, OrganisationFactory, UserFactory


@dataclass
class World:
    organisation: object
    admin: object
    other_organisation: object
    other_admin: object


@pytest.fixture
def world(db) -> World:
    organisation = OrganisationFactory(
        naam="Gemeente Voorbeeld",
        agb_code="12345678",
        woonplaats="Voorbeeldstad",
        domains=["voorbeeld.nl"],
        products=["iwmo", "ijw", "wlz-aanvragen"],
    )
    other = OrganisationFactory(naam="Gemeente Elders", domains=["elders.nl"])
    return World(
        organisation=organisation,
        admin=AdministratorFactory(
            organisation=organisation,
            username="abeheer",
            voorletters="A",
            voornaam="Anna",
            achternaam="Beheer",
            email="anna.beheer@voorbeeld.nl",
        ),
        other_organisation=other,
        other_admin=AdministratorFactory(organisation=other, email="beheer@elders.nl"),
    )


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


@pytest.fixture
def colleague(world):
    return UserFactory(
        organisation=world.organisation,
        username="ptest",
        voorletters="P.J.",
        voornaam="Piet",
        tussenvoegsel="van der",
        achternaam="Test",
        email="piet.vandertest@voorbeeld.nl",
    )
