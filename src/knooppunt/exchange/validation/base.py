"""What a check finds and what it is given: one finding per problem, with its iStandaarden code,
retourcode where one applies, the place in the file and the Dutch text of what is wrong and what
to do. A report holds the findings of one file in the order of the checks.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from lxml import etree

from knooppunt.exchange.standards.registry import MessageType


class Stage(StrEnum):
    """The checks in the order of issue 15 / SPEC 7.1."""

    SIZE = "grootte"
    PARSING = "xml"
    TYPE = "berichttype"
    XSD = "xsd"
    HEADER = "header"
    DUPLICATE = "dubbel"
    RULES = "regels"


@dataclass(frozen=True)
class Finding:
    code: str  # the iStandaarden rule (TR056, IV028) or the portal's own (KP...)
    text: str  # what is wrong, in Dutch; never a value from the message (it may be a BSN)
    hint: str = ""  # what to do
    retourcode: str = ""
    location: str = ""  # "regel 12" and/or an XPath
    stage: Stage = Stage.RULES

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "retourcode": self.retourcode,
            "locatie": self.location,
            "tekst": self.text,
            "advies": self.hint,
            "stap": str(self.stage),
        }

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Finding:
        return cls(
            code=data.get("code", ""),
            text=data.get("tekst", ""),
            hint=data.get("advies", ""),
            retourcode=data.get("retourcode", ""),
            location=data.get("locatie", ""),
            stage=Stage(data.get("stap", Stage.RULES)),
        )


def location(element: Any = None, *, line: int | None = None, path: str = "") -> str:
    """'regel 12, /Bericht/Client/Bsn' for an element (or a line and a path)."""
    if element is not None:
        line = element.sourceline
        path = _path(element)
    parts = []
    if line:
        parts.append(f"regel {line}")
    if path:
        parts.append(path)
    return ", ".join(parts)


def _path(element) -> str:
    """An XPath without namespace prefixes and with positions only where a tag repeats."""
    steps = []
    while element is not None:
        parent = element.getparent()
        name = etree.QName(element).localname
        if parent is not None:
            same = list(parent.iterchildren(element.tag))
            if len(same) > 1:
                name += f"[{same.index(element) + 1}]"
        steps.append(name)
        element = parent
    return "/" + "/".join(reversed(steps))


@dataclass
class Header:
    """The routing fields of a message's header (istandaarden/README.md)."""

    bericht_code: int | None = None
    versie: int | None = None
    subversie: int | None = None
    afzender: str = ""
    ontvanger: str = ""
    identificatie: str = ""
    dagtekening: datetime.date | None = None
    # A retour's own identification; its BerichtIdentificatie is the heen-bericht's.
    identificatie_retour: str = ""
    dagtekening_retour: datetime.date | None = None
    # The 325's DeclaratieIdentificatie: the 323 it answers.
    declaratie_identificatie: str = ""
    declaratie_dagtekening: datetime.date | None = None


@dataclass
class Subject:
    """The file under check and what the checks learnt about it so far."""

    data: bytes
    filename: str = ""
    tree: Any = None  # the lxml root element once parsed
    message_type: MessageType | None = None
    header: Header = field(default_factory=Header)
    # Set by the header checks: the organisations and the heen-bericht of a retour.
    sender: Any = None
    receiver: Any = None
    heen: Any = None

    @property
    def reference(self) -> tuple[str, datetime.date | None]:
        """The identification (and Dagtekening) of the heen-bericht an answer refers to."""
        if self.message_type is not None and self.message_type.is_retour:
            return self.header.identificatie, self.header.dagtekening
        return self.header.declaratie_identificatie, self.header.declaratie_dagtekening

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def own_identificatie(self) -> str:
        """The identification unique per sender and BerichtCode (TR056)."""
        if self.message_type is not None and self.message_type.is_retour:
            return self.header.identificatie_retour
        return self.header.identificatie


@dataclass
class Context:
    """Who offers the file: the uploading organisation and the product it offers it in. The
    command line has neither and runs only the checks that need no organisation."""

    organisation: Any = None
    product: str | None = None
    # Identifications already accepted earlier in the same ZIP: (BerichtCode, identificatie).
    seen: set[tuple[int, str]] = field(default_factory=set)

    @property
    def with_organisation(self) -> bool:
        return self.organisation is not None


@dataclass
class Report:
    filename: str
    findings: list[Finding] = field(default_factory=list)
    subject: Subject | None = None

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def message_type(self) -> MessageType | None:
        return self.subject.message_type if self.subject else None

    @property
    def identificatie(self) -> str:
        return self.subject.own_identificatie if self.subject else ""
