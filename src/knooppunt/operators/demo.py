"""The demo data of `knooppunt seed_demo`: idempotent, so `make run` can load it every time."""

import datetime

from django.db import transaction

from knooppunt.access import rules
from knooppunt.access.models import Role
from knooppunt.access.principals import DEMO
from knooppunt.access.services import set_grants
from knooppunt.accounts.models import PasswordLinkPurpose, User
from knooppunt.accounts.passwords import create_link, use_link
from knooppunt.organisations.models import Organisation, OrganisationType, Profile
from knooppunt.usermanagement.services import create_colleague

from .services import appoint_admin, create_organisation, register_agreement

DEMO_PASSWORD = "Demo-Wachtwoord-2026!"

ORGANISATIONS = [
    {
        "naam": "Knooppunt Servicedesk",
        "type": OrganisationType.OPERATOR,
        "woonplaats": "Utrecht",
        "postcode": "3528 BD",
        "domains": ["knooppunt.example"],
        "products": [],
        "signed": "all",
        "users": [
            ("S", "Sanne", "", "Servicedesk", "sanne@knooppunt.example", "", True, []),
        ],
    },
    {
        "naam": "Gemeente Voorbeeldstad",
        "type": OrganisationType.GEMEENTE,
        "gemeentecode": "9999",
        "kvk_nummer": "11223344",
        "woonplaats": "Voorbeeldstad",
        "postcode": "1234 AB",
        "domains": ["voorbeeldstad.example"],
        "products": ["iwmo", "ijw", "wlz-registertoets"],
        "login_eherkenning": True,
        "signed": "all",
        "users": [
            (
                "A",
                "Anna",
                "",
                "Jansen",
                "anna.jansen@voorbeeldstad.example",
                "0612345678",
                True,
                [("iwmo", Role.GEBRUIKER)],
            ),
            (
                "P",
                "Piet",
                "",
                "Test",
                "piet.test@voorbeeldstad.example",
                "0687654321",
                False,
                [("iwmo", Role.GEBRUIKER), ("ijw", Role.GEBRUIKER)],
            ),
            (
                "K",
                "Karin",
                "de",
                "Boer",
                "karin.deboer@voorbeeldstad.example",
                "",
                False,
                [("wlz-registertoets", Role.PRODUCTBEHEERDER)],
            ),
        ],
    },
    {
        "naam": "Zorggroep De Linde",
        "type": OrganisationType.ZORGAANBIEDER,
        "agb_code": "73730001",
        "kvk_nummer": "55667788",
        "woonplaats": "Amersfoort",
        "postcode": "3811 AA",
        "domains": ["delinde.example"],
        "products": ["iwmo", "ijw", "wlz-aanvragen"],
        "profile": Profile.VOLLEDIG,
        "signed": "all",
        "users": [
            (
                "M",
                "Mark",
                "",
                "Bakker",
                "mark.bakker@delinde.example",
                "0611122233",
                True,
                [("wlz-aanvragen", Role.GEBRUIKER)],
            ),
            (
                "F",
                "Fatima",
                "el",
                "Amrani",
                "fatima.elamrani@delinde.example",
                "0644455566",
                False,
                [("iwmo", Role.GEBRUIKER), ("ijw", Role.GEBRUIKER)],
            ),
        ],
    },
    {
        "naam": "Zorgcentrum De Berk",
        "type": OrganisationType.ZORGAANBIEDER,
        "agb_code": "73730003",
        "kvk_nummer": "66778899",
        "woonplaats": "Deventer",
        "postcode": "7411 AA",
        "domains": ["deberk.example"],
        "products": ["wlz-aanvragen"],
        "profile": Profile.BASIS,
        "signed": "all",
        "users": [
            (
                "R",
                "Ruud",
                "",
                "Dijkstra",
                "ruud.dijkstra@deberk.example",
                "0622233344",
                True,
                [],
            ),
            (
                "E",
                "Eva",
                "",
                "Kok",
                "eva.kok@deberk.example",
                "0633344455",
                False,
                [("wlz-aanvragen", Role.GEBRUIKER)],
            ),
        ],
    },
    {
        "naam": "Thuiszorg Het Anker",
        "type": OrganisationType.ZORGAANBIEDER,
        "agb_code": "73730002",
        "woonplaats": "Zwolle",
        "domains": ["hetanker.example"],
        "products": ["iwmo"],
        "signed": "one",  # one agreement missing: its users see the agreements page
        "users": [
            ("L", "Lotte", "", "Visser", "lotte.visser@hetanker.example", "0677788899", True, []),
        ],
    },
]


@transaction.atomic
def seed() -> list[tuple[str, User]]:
    """Create what is missing and return (organisation name, user) for every demo login. It
    goes through the same services as the operator and the administrators would: organisations
    and agreements, administrators appointed, colleagues created, roles granted, and each
    password set through the set-password link an invitation would carry."""
    logins = []
    for spec in ORGANISATIONS:
        spec = dict(spec)
        users, signed = spec.pop("users"), spec.pop("signed")
        organisation = Organisation.objects.filter(naam=spec["naam"]).first()
        if organisation is None:
            organisation = create_organisation(DEMO, **spec)
            kinds = list(organisation.required_agreement_kinds())
            for kind in kinds if signed == "all" else kinds[:1]:
                register_agreement(DEMO, organisation, kind, datetime.date(2026, 1, 15))
        for vl, vn, tv, an, email, phone, is_admin, grants in users:
            user = User.objects.filter(email=email).first()
            if user is None:
                data = {
                    "voorletters": vl,
                    "voornaam": vn,
                    "tussenvoegsel": tv,
                    "achternaam": an,
                    "email": email,
                    "telefoonnummer": phone,
                }
                if is_admin:
                    user = appoint_admin(DEMO, organisation, data, invite=False)
                else:
                    user = create_colleague(DEMO, organisation, data, invite=False)
                if grants:
                    set_grants(DEMO, user, set(grants))
                link = create_link(user, PasswordLinkPurpose.INVITATION)
                user = use_link(link.rstrip("/").rsplit("/", 1)[-1], DEMO_PASSWORD)
            logins.append((organisation.naam, user))
    # Messages between the demo gemeente and zorgaanbieder, so that no inbox starts empty.
    from knooppunt.exchange.demo import seed_messages

    seed_messages()
    _seed_aanvragen(logins)
    return logins


def _seed_aanvragen(logins: list[tuple[str, User]]) -> None:
    """Wlz-aanvragen in different statuses for each organisation with the product, submitted by
    its first Gebruiker of the product (knooppunt.aanvragen.demo)."""
    from knooppunt.aanvragen.demo import seed_for

    seeded = set()
    for _naam, user in logins:
        if user.organisation_id in seeded:
            continue
        if rules.can(user, "aanvragen.use"):
            seed_for(user)
            seeded.add(user.organisation_id)
