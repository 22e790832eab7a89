"""Fixtures of the registertoets tests: the ZZP code list (a transactional test flushes it),
a gemeente with the product and its Gebruiker, and a register loaded from CSV text."""

import datetime
import io

import pytest

from knooppunt.access.principals import COMMAND_LINE
from knooppunt.registertoets import codes, imports, services
from knooppunt.registertoets.importer import COLUMNS
from knooppunt.registertoets.models import Zorgzwaartepakket
from knooppunt.testing.factories import (
    AdministratorFactory,
    OrganisationFactory,
    UserFactory,
    grant,
)

HEADER = ",".join(COLUMNS)
TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _zzp_codes(request):
    if (
        "db" in request.fixturenames
        or "transactional_db" in request.fixturenames
        or (request.node.get_closest_marker("django_db"))
    ):
        request.getfixturevalue("transactional_db" if "live_db" in request.fixturenames else "db")
        if not Zorgzwaartepakket.objects.exists():
            codes.load()


@pytest.fixture
def gemeente(db):
    return OrganisationFactory(naam="Gemeente Toetsstad", products=["wlz-registertoets"])


@pytest.fixture
def gebruiker(gemeente):
    user = UserFactory(organisation=gemeente, username="ggebruiker")
    grant(user, "wlz-registertoets", "gebruiker")
    return user


@pytest.fixture
def beheerder(gemeente):
    return AdministratorFactory(organisation=gemeente, username="bbeheerder")


def row(
    bsn="111222333",
    geboortedatum="1938-04-12",
    gebruik="",
    besluit="B1",
    soort="1",
    afgifte="2024-02-15",
    ingang="2024-03-01",
    eind="",
    negatief="0",
    zzp="754",
    zzp_ingang=None,
    zzp_eind="",
) -> str:
    if negatief == "1":
        zzp = zzp_ingang = zzp_eind = ""
    elif zzp_ingang is None:
        zzp_ingang = ingang
    return ",".join(
        [bsn, geboortedatum, gebruik, besluit, soort, afgifte, ingang, eind, negatief, zzp,
         zzp_ingang, zzp_eind]
    )  # fmt: skip


def csv_text(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def load(*rows: str, mode="upsert", today=TODAY) -> services.ImportOutcome:
    """Import rows (strings from `row()`) as the command line would; returns the outcome."""
    register_import = services.open_import(
        COMMAND_LINE, mode=mode, filename="proef.csv", channel="commandline"
    )
    return imports.run(COMMAND_LINE, register_import, io.BytesIO(csv_text(*rows)), today=today)


@pytest.fixture
def register(db):
    return load
