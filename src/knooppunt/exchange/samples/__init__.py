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


def _bsn(n: int) -> str:
    """The n-th nine-digit number that passes the 11-proef (for generated messages)."""
    while True:
        digits = f"{100000000 + n * 7 % 800000000:09d}"
        total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
        if (total - int(digits[8])) % 11 == 0:
            return digits
        n += 1


def declaratie(
    *, afzender: str, ontvanger: str, identificatie: str, size: int, prestaties_per_client: int = 20
) -> bytes:
    """A valid JW323 declaratie of about `size` bytes: clients with prestaties, every line
    different (TR101), every BSN passing the 11-proef. For the benchmark and the tests."""
    ns = "http://www.istandaarden.nl/ijw/3_2/jw323/schema"
    basis = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<jw323:Bericht xmlns:jw323="{ns}" xmlns:ijw="{basis}">\n'
        "<jw323:Header><jw323:BerichtCode>490</jw323:BerichtCode>"
        "<jw323:BerichtVersie>3</jw323:BerichtVersie>"
        "<jw323:BerichtSubversie>2</jw323:BerichtSubversie>"
        f"<jw323:Afzender>{afzender}</jw323:Afzender><jw323:Ontvanger>{ontvanger}</jw323:Ontvanger>"
        f"<jw323:BerichtIdentificatie><ijw:Identificatie>{identificatie}</ijw:Identificatie>"
        "<ijw:Dagtekening>2026-05-01</ijw:Dagtekening></jw323:BerichtIdentificatie>"
        "<jw323:XsdVersie><ijw:BasisschemaXsdVersie>1.0.0</ijw:BasisschemaXsdVersie>"
        "<ijw:BerichtXsdVersie>1.0.0</ijw:BerichtXsdVersie></jw323:XsdVersie></jw323:Header>\n"
        "<jw323:Declaratie><jw323:DeclaratieNummer>D2026050001</jw323:DeclaratieNummer>"
        "<jw323:DeclaratiePeriode><ijw:Begindatum>2026-04-01</ijw:Begindatum>"
        "<ijw:Einddatum>2026-04-30</ijw:Einddatum></jw323:DeclaratiePeriode>"
        "<jw323:DeclaratieDagtekening>2026-05-01</jw323:DeclaratieDagtekening>"
        "<jw323:TotaalIngediendBedrag><ijw:TotaalBedrag>0</ijw:TotaalBedrag>"
        "<ijw:DebetCredit>D</ijw:DebetCredit></jw323:TotaalIngediendBedrag>\n<jw323:Clienten>\n"
    )
    tail = "</jw323:Clienten></jw323:Declaratie>\n</jw323:Bericht>\n"
    parts = [head]
    written = len(head) + len(tail)
    line = 0
    client = 0
    while written < size:
        client += 1
        chunk = [f"<jw323:Client><jw323:Bsn>{_bsn(client)}</jw323:Bsn><jw323:Prestaties>\n"]
        for _ in range(prestaties_per_client):
            line += 1
            chunk.append(
                "<jw323:Prestatie><jw323:ProductReferentie>"
                f"<ijw:ReferentieNummer>R{line:011d}</ijw:ReferentieNummer>"
                "</jw323:ProductReferentie>"
                f"<jw323:ToewijzingNummer>{300000 + line % 600000}</jw323:ToewijzingNummer>"
                "<jw323:ProductCategorie>55</jw323:ProductCategorie>"
                "<jw323:ProductCode>55A11</jw323:ProductCode>"
                "<jw323:ProductPeriode><ijw:Begindatum>2026-04-01</ijw:Begindatum>"
                "<ijw:Einddatum>2026-04-30</ijw:Einddatum></jw323:ProductPeriode>"
                "<jw323:GeleverdVolume>4</jw323:GeleverdVolume><jw323:Eenheid>04</jw323:Eenheid>"
                "<jw323:ProductTarief>5000</jw323:ProductTarief>"
                "<jw323:IngediendBedrag><ijw:Bedrag>20000</ijw:Bedrag>"
                "<ijw:DebetCredit>D</ijw:DebetCredit></jw323:IngediendBedrag></jw323:Prestatie>\n"
            )
        chunk.append("</jw323:Prestaties></jw323:Client>\n")
        text = "".join(chunk)
        parts.append(text)
        written += len(text)
    parts.append(tail)
    return "".join(parts).encode()
