import pytest

from knooppunt.testing.api import make_credential
from knooppunt.testing.factories import (
    AdministratorFactory,
    OrganisationFactory,
    UserFactory,
    grant,
)


@pytest.fixture
def organisation(db):
    return OrganisationFactory(
        naam="Gemeente Instelstad", domains=["instelstad.example"], products=["iwmo", "ijw"]
    )


@pytest.fixture
def productbeheerder(organisation):
    user = UserFactory(organisation=organisation, email="pb@instelstad.example")
    grant(user, "iwmo", "productbeheerder")
    return user


@pytest.fixture
def credential(organisation):
    return make_credential(organisation, "iwmo", name="Suite4Jeugd productie")


@pytest.fixture
def administrator(organisation):
    return AdministratorFactory(organisation=organisation)
