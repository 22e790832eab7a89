"""Messages made from the sample files beside this module, with the header a caller needs: for
the demo data (`seed_demo`), the tests and the benchmark."""

from __future__ import annotations

import datetime
from pathlib import Path

from lxml import etree

from knooppunt.exchange.standards import registry

FOLDER = Path(__file__).resolve().parent


def template(name: str) -> bytes:
    return (FOLDER / f"{name}.xml").read_bytes()


def build(
    name: str,
    *,
    afzender: str,
    ontvanger: str,
    identificatie: str,
    dagtekening: datetime.date | None = None,
    retour_identificatie: str = "",
    release: str = "3.2",
) -> bytes:
    """A sample message (JW301, JW302, JW305, WMO301, WMO305) with this header. A retour
    (JW302) gets `identificatie` as the heen-bericht's BerichtIdentificatie and
    `retour_identificatie` as its own."""
    root = etree.fromstring(template(name))
    message_type = registry.by_name(name, release)
    assert message_type is not None
    ns, basis = message_type.namespace, message_type.basis_namespace
    header = root.find(f"{{{ns}}}Header")
    header.find(f"{{{ns}}}Afzender").text = afzender
    header.find(f"{{{ns}}}Ontvanger").text = ontvanger
    ident = header.find(f"{{{ns}}}BerichtIdentificatie")
    ident.find(f"{{{basis}}}Identificatie").text = identificatie
    if dagtekening is not None:
        ident.find(f"{{{basis}}}Dagtekening").text = dagtekening.isoformat()
    if message_type.is_retour and retour_identificatie:
        header.find(f"{{{ns}}}IdentificatieRetour").text = retour_identificatie
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
