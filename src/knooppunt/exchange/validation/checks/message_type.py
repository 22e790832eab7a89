"""3. Message type: a known message type of this product, in a supported version (a loaded schema
set that has the type's schema)."""

from __future__ import annotations

import datetime

from lxml import etree

from knooppunt.exchange.standards import registry, schemas

from ..base import Finding, Header, Stage, Subject, location

NOT_SUPPORTED = "versie/berichttype niet ondersteund"


def _text(parent, namespace: str, name: str) -> str:
    element = parent.find(f"{{{namespace}}}{name}") if parent is not None else None
    return (element.text or "").strip() if element is not None else ""


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def read_header(root, namespace: str, basis: str) -> Header:
    header = root.find(f"{{{namespace}}}Header")
    ident = header.find(f"{{{namespace}}}BerichtIdentificatie") if header is not None else None
    declaratie = (
        header.find(f"{{{namespace}}}DeclaratieIdentificatie") if header is not None else None
    )
    return Header(
        bericht_code=_int(_text(header, namespace, "BerichtCode")),
        versie=_int(_text(header, namespace, "BerichtVersie")),
        subversie=_int(_text(header, namespace, "BerichtSubversie")),
        afzender=_text(header, namespace, "Afzender")[:20],
        ontvanger=_text(header, namespace, "Ontvanger")[:20],
        identificatie=_text(ident, basis, "Identificatie")[:40],
        dagtekening=_date(_text(ident, basis, "Dagtekening")),
        identificatie_retour=_text(header, namespace, "IdentificatieRetour")[:40],
        dagtekening_retour=_date(_text(header, namespace, "DagtekeningRetour")),
        declaratie_identificatie=_text(declaratie, basis, "Identificatie")[:40],
        declaratie_dagtekening=_date(_text(declaratie, basis, "Dagtekening")),
    )


def check(subject: Subject, product: str | None) -> list[Finding]:
    root = subject.tree
    qname = etree.QName(root)
    info = registry.parse_namespace(qname.namespace or "")
    where = location(root)
    if (
        qname.localname != "Bericht"
        or info is None
        or registry.kind_for(info.product, info.number) is None
    ):
        return [
            Finding(
                "KP005",
                "Dit is geen bekend iWmo- of iJw-bericht (onbekende namespace of root-element).",
                hint="Bied alleen berichten van de iStandaarden iWmo en iJw aan.",
                location=where,
                stage=Stage.TYPE,
            )
        ]
    kind = registry.kind_for(info.product, info.number)
    assert kind is not None
    message_type = registry.MessageType(info.product, info.release, kind)
    subject.message_type = message_type
    subject.header = read_header(root, message_type.namespace, message_type.basis_namespace)
    if product is not None and info.product != product:
        return [
            Finding(
                "KP006",
                f"Dit is een {registry.PRODUCTS[info.product]}-bericht ({message_type.name}); "
                f"het is aangeboden bij {registry.PRODUCTS.get(product, product)}.",
                hint=f"Bied het bericht aan bij {registry.PRODUCTS[info.product]}.",
                location=where,
                stage=Stage.TYPE,
            )
        ]
    supported = schemas.supported_releases(info.product)
    if not schemas.is_supported(message_type):
        releases = ", ".join(supported) or "geen"
        return [
            Finding(
                "KP007",
                f"{NOT_SUPPORTED.capitalize()}: {message_type.name} van release "
                f"{info.release}. Knooppunt ondersteunt van {registry.PRODUCTS[info.product]} "
                f"nu release {releases}, zie de pagina Standaarden.",
                hint="Bied een bericht aan in een ondersteunde release.",
                location=where,
                stage=Stage.TYPE,
            )
        ]
    header = subject.header
    if header.bericht_code is not None and header.bericht_code != kind.bericht_code:
        return [
            Finding(
                "KP008",
                f"BerichtCode {header.bericht_code} past niet bij {message_type.name} "
                f"(verwacht {kind.bericht_code}).",
                hint="Controleer de BerichtCode in de header.",
                location=where,
                stage=Stage.TYPE,
            )
        ]
    if (header.versie, header.subversie) not in ((None, None), message_type.versie):
        return [
            Finding(
                "KP007",
                f"{NOT_SUPPORTED.capitalize()}: BerichtVersie {header.versie}.{header.subversie} "
                f"past niet bij de namespace van release {info.release}.",
                hint="Controleer BerichtVersie en BerichtSubversie in de header.",
                location=where,
                stage=Stage.TYPE,
            )
        ]
    return []
