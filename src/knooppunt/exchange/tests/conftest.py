"""Fixtures of the exchange tests: a gemeente and a zorgaanbieder with a Gebruiker of iWmo and
iJw each, payloads in the test's own folder, and messages made from the samples."""

import datetime
import itertools
from dataclasses import dataclass

import pytest

from knooppunt.access.models import Product
from knooppunt.exchange import samples
from knooppunt.exchange.standards import schemas
from knooppunt.organisations.models import OrganisationType
from knooppunt.products.models import NotificationAddress
from knooppunt.testing.factories import OrganisationFactory, UserFactory, grant

GEMEENTE, AANBIEDER = "0384", "42420001"
_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def _payload_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "exchange": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "berichten"), "base_url": None},
        },
    }
    yield
    schemas.forget()


@dataclass
class World:
    gemeente: object
    aanbieder: object
    g_user: object
    a_user: object


def gebruiker(organisation, products=("iwmo", "ijw"), **kwargs):
    user = UserFactory(organisation=organisation, **kwargs)
    for product in products:
        grant(user, product, "gebruiker")
    return user


@pytest.fixture
def world(db) -> World:
    gemeente = OrganisationFactory(
        naam="Gemeente Voorbeeld", gemeentecode=GEMEENTE, email="berichten@gemeente.example"
    )
    aanbieder = OrganisationFactory(
        naam="Zorg Aanbieder",
        type=OrganisationType.ZORGAANBIEDER,
        gemeentecode="",
        agb_code=AANBIEDER,
        email="berichten@aanbieder.example",
    )
    for organisation, email in ((gemeente, gemeente.email), (aanbieder, aanbieder.email)):
        for product in Product.objects.filter(code__in=["iwmo", "ijw"]):
            # The product's "Meldingen" (products app): where its notifications go.
            NotificationAddress.objects.create(
                organisation=organisation, product=product, email=email
            )
    return World(gemeente, aanbieder, gebruiker(gemeente), gebruiker(aanbieder))


def new_id() -> str:
    return f"T{next(_ids):011d}"


def jw301(identificatie=None, afzender=GEMEENTE, ontvanger=AANBIEDER, **kwargs) -> bytes:
    return samples.build(
        "JW301",
        afzender=afzender,
        ontvanger=ontvanger,
        identificatie=identificatie or new_id(),
        dagtekening=datetime.date(2026, 4, 1),
        **kwargs,
    )


def wmo301(identificatie=None, afzender=GEMEENTE, ontvanger=AANBIEDER) -> bytes:
    return samples.build(
        "WMO301", afzender=afzender, ontvanger=ontvanger, identificatie=identificatie or new_id()
    )


def jw302(heen_identificatie, retour_identificatie=None, afzender=GEMEENTE, ontvanger=AANBIEDER):
    return samples.build(
        "JW302",
        afzender=afzender,
        ontvanger=ontvanger,
        identificatie=heen_identificatie,
        dagtekening=datetime.date(2026, 4, 1),
        retour_identificatie=retour_identificatie or new_id(),
    )
