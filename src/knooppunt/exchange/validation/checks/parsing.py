"""2. Safe parsing: UTF-8, well-formed, no DTD and so no entities, no network access. A
billion-laughs or XXE file carries its entities in a DTD and is refused as such, before lxml
reads it; the parser itself resolves no entity and fetches nothing either way."""

from __future__ import annotations

import re

from lxml import etree

from ..base import Finding, Stage, location

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]{1,40})[\"']")
_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}
UTF8_BOM = b"\xef\xbb\xbf"


def parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
    )


def _encoding_finding(found: str) -> Finding:
    return Finding(
        "KP002",
        f"Het bestand is gecodeerd in {found}; iStandaarden-berichten zijn UTF-8.",
        hint="Sla het bericht op als UTF-8 (zonder andere tekenset in de XML-declaratie).",
        stage=Stage.PARSING,
    )


def encoding(data: bytes) -> list[Finding]:
    for bom, name in _BOMS.items():
        if data.startswith(bom):
            return [_encoding_finding(name)]
    if b"\x00" in data[:4]:
        return [_encoding_finding("UTF-16")]
    head = data[3:512] if data.startswith(UTF8_BOM) else data[:512]
    match = _DECLARATION.match(head)
    if match and match.group(1).decode("ascii").lower().replace("_", "-") not in ("utf-8", "utf8"):
        return [_encoding_finding(match.group(1).decode("ascii").upper())]
    return []


def _doctype(data: bytes) -> Finding | None:
    """A DOCTYPE in the prolog (before the root element): refused, with its entities named."""
    position, end = 0, len(data)
    while position < end:
        start = data.find(b"<", position)
        if start < 0:
            return None
        if data.startswith(b"<?", start):
            close = data.find(b"?>", start)
        elif data.startswith(b"<!--", start):
            close = data.find(b"-->", start)
        elif data.startswith(b"<!DOCTYPE", start) or data.startswith(b"<!doctype", start):
            body = data[start : start + 1_000_000]
            line = data.count(b"\n", 0, start) + 1
            if b"<!ENTITY" in body:
                kind = (
                    "externe entiteiten (XXE)"
                    if re.search(rb"<!ENTITY[^>]*\s(SYSTEM|PUBLIC)\s", body)
                    else "entiteiten (zoals bij een 'billion laughs'-aanval)"
                )
                text = f"Het bestand bevat een DTD met {kind}; Knooppunt leest die niet."
            else:
                text = (
                    "Het bestand bevat een DTD (<!DOCTYPE>); iStandaarden-berichten hebben er geen."
                )
            return Finding(
                "KP004",
                text,
                hint="Verwijder de DOCTYPE-declaratie; een bericht gebruikt alleen het XSD-schema.",
                location=location(line=line),
                stage=Stage.PARSING,
            )
        else:
            return None  # the root element: the prolog is over
        if close < 0:
            return None
        position = close + 2
    return None


def parse(data: bytes) -> tuple[object | None, list[Finding]]:
    """The root element, or the findings that stop the checks here."""
    found = encoding(data)
    if found:
        return None, found
    doctype = _doctype(data)
    if doctype is not None:
        return None, [doctype]
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        return None, [
            Finding(
                "KP003",
                "Het bestand is geen goed gevormde XML: " + _dutch(exc.msg or str(exc)),
                hint="Controleer of het bestand een iStandaarden-bericht is en niet beschadigd.",
                location=location(line=line),
                stage=Stage.PARSING,
            )
        ]
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # pragma: no cover - caught above
        return None, [Finding("KP004", "Het bestand bevat een DTD.", stage=Stage.PARSING)]
    return root, []


def _dutch(message: str) -> str:
    # libxml2's message names the spot; without values from the file (they may be personal).
    message = re.sub(r", line \d+, column \d+", "", message)
    return message[:200]
