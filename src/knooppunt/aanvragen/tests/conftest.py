import datetime
from dataclasses import dataclass

import pytest

from knooppunt.aanvragen import services
from knooppunt.aanvragen.models import Ondertekening
from knooppunt.aanvragen.services import Upload
from knooppunt.organisations.models import OrganisationType, Profile
from knooppunt.testing.factories import OperatorUserFactory, OrganisationFactory, UserFactory, grant

from . import files

BSN = "111222333"  # passes the 11-proef
OTHER_BSN = "123456782"


@pytest.fixture(autouse=True)
def _dutch(settings):
    """The messages under test are the Dutch ones, whatever an earlier request activated."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


def zorgaanbieder(naam="Zorggroep Eigen", profile=Profile.VOLLEDIG, **kwargs):
    return OrganisationFactory(
        naam=naam,
        type=OrganisationType.ZORGAANBIEDER,
        gemeentecode="",
        agb_code=kwargs.pop("agb_code", ""),
        profile=profile,
        products=kwargs.pop("products", ["wlz-aanvragen"]),
        email=kwargs.pop("email", "meldingen@eigen.example"),
        **kwargs,
    )


def gebruiker(organisation, **kwargs):
    user = UserFactory(organisation=organisation, telefoonnummer="0612345678", **kwargs)
    grant(user, "wlz-aanvragen", "gebruiker")
    return user


@dataclass
class World:
    organisation: object
    user: object
    other_organisation: object
    other_user: object
    basis_organisation: object
    basis_user: object
    operator: object


@pytest.fixture
def world(db) -> World:
    organisation = zorgaanbieder()
    other = zorgaanbieder("Zorggroep Anders", email="meldingen@anders.example")
    basis = zorgaanbieder("Zorgcentrum Basis", profile=Profile.BASIS, email="")
    return World(
        organisation=organisation,
        user=gebruiker(organisation, voornaam="Ilse", achternaam="Indiener"),
        other_organisation=other,
        other_user=gebruiker(other),
        basis_organisation=basis,
        basis_user=gebruiker(basis),
        operator=OperatorUserFactory(username="ciz"),
    )


def data(**overrides) -> dict:
    values = {
        "bsn": BSN,
        "voorletters": "J.",
        "tussenvoegsel": "de",
        "achternaam": "Vries",
        "geboortedatum": datetime.date(1940, 5, 17),
        "spoed": False,
        "spoed_reden": "",
        "gewenste_datum": datetime.date(2027, 2, 1),
        "toelichting": "Valt vaak, kan niet meer alleen wonen.",
        "ondertekenaar": "client",
        "ondertekening": Ondertekening.WACHT,
        "aanmelder_functie": "Wijkverpleegkundige",
        "aanmelder_telefoon": "030 123 45 67",
    }
    values.update(overrides)
    return values


def uploads_for(soort: str, *, signed: bool = False) -> list[Upload]:
    needed = {
        "regulier": ["medische-informatie"],
        "wzd-artikel-21": ["medische-informatie", "wzd-verklaring"],
        "partnerverblijf": ["verklaring-partnerverblijf"],
    }[soort]
    found = [Upload(code, files.upload(f"{code}.pdf", files.pdf(code))) for code in needed]
    if signed:
        found.append(Upload("ondertekening", files.upload("handtekening.png", files.png())))
    return found


def submitted(user, soort="regulier", *, signed=True, **overrides):
    aanvraag = services.create_draft(
        user,
        soort,
        data(
            ondertekening=Ondertekening.ONDERTEKEND if signed else Ondertekening.WACHT,
            **overrides,
        ),
        uploads_for(soort, signed=signed),
    )
    return services.submit(user, aanvraag)


def meldingsadres(organisation, email: str) -> None:
    """A notification address for Wlz-aanvragen ("Meldingen" of the products app)."""
    from knooppunt.access.models import Product
    from knooppunt.access.principals import COMMAND_LINE
    from knooppunt.products.scope import ProductScope
    from knooppunt.products.services import add_notification_address

    scope = ProductScope(organisation, Product.objects.get(code="wlz-aanvragen"))
    add_notification_address(COMMAND_LINE, scope, email)
