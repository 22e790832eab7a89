"""Demo messages for `knooppunt seed_demo`: a JW301 and a WMO301 from the demo gemeente to the
demo zorgaanbieder and a JW305 back, so that a newcomer's inbox is not empty. Idempotent."""

from __future__ import annotations

import datetime

from knooppunt.access.principals import DEMO
from knooppunt.organisations.models import Organisation

from . import samples, services
from .models import Channel, Message

GEMEENTE, AANBIEDER = "Gemeente Voorbeeldstad", "Zorggroep De Linde"

MESSAGES = [
    # (name, from, to, identificatie, product)
    ("JW301", GEMEENTE, AANBIEDER, "DEMO-JW301-1", "ijw"),
    ("WMO301", GEMEENTE, AANBIEDER, "DEMO-WMO3011", "iwmo"),
    ("JW305", AANBIEDER, GEMEENTE, "DEMO-JW305-1", "ijw"),
]


def seed_messages() -> int:
    organisations = {o.naam: o for o in Organisation.objects.filter(naam__in=[GEMEENTE, AANBIEDER])}
    if len(organisations) < 2:
        return 0
    codes = {
        GEMEENTE: organisations[GEMEENTE].gemeentecode,
        AANBIEDER: organisations[AANBIEDER].agb_code,
    }
    made = 0
    for name, sender, receiver, identificatie, product in MESSAGES:
        if Message.objects.filter(
            sender=organisations[sender], identificatie=identificatie
        ).exists():
            continue
        data = samples.build(
            name,
            afzender=codes[sender],
            ontvanger=codes[receiver],
            identificatie=identificatie,
            dagtekening=datetime.date.today(),
        )
        outcomes = services.offer(
            DEMO, organisations[sender], product, f"{identificatie}.xml", data, channel=Channel.DEMO
        )
        made += sum(1 for o in outcomes if o.accepted)
    return made
