"""The message types of the iStandaarden iWmo and iJw as data: namespace + BerichtCode -> product,
message type, heen or retour, and which message answers it (SPEC 7.1; the table of
`istandaarden/README.md`).

The table is per product and holds for every release; a release is usable when its schema set
is loaded (`standards.schemas`). A message type of a release whose schema is not loaded (the iWmo
retour schemas, or a 3.3 message while only 3.2 is loaded) is known but not supported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Direction(StrEnum):
    HEEN = "heen"
    # A retour copies Afzender and Ontvanger from its heen-bericht (IV028) and carries its own
    # identification in IdentificatieRetour.
    RETOUR = "retour"
    # The 325 declaratie-antwoord: a header of its own (the gemeente is its Afzender), the 323
    # it answers named in DeclaratieIdentificatie.
    ANTWOORD = "antwoord"


class Party(StrEnum):
    GEMEENTE = "gemeente"
    AANBIEDER = "zorgaanbieder"


@dataclass(frozen=True)
class Kind:
    """One message of the table, the same in every release: '301' with its BerichtCode."""

    number: str  # "301"
    bericht_code: int
    direction: Direction
    sender: Party
    meaning: str
    # A heen-bericht: the number of the message that answers it, and within how many werkdagen.
    answered_by: str = ""
    due_werkdagen: int = 0


# SPEC 7.1 and OP090: a retour within 3 werkdagen; the 323 declaratie is answered by the 325
# declaratie-antwoord within 10.
_G, _A = Party.GEMEENTE, Party.AANBIEDER
_H, _R = Direction.HEEN, Direction.RETOUR
TABLE: dict[str, list[Kind]] = {
    "iwmo": [
        Kind("301", 414, _H, _G, "Toewijzing", "302", 3),
        Kind("302", 415, _R, _A, "Retour toewijzing"),
        Kind("305", 418, _H, _A, "Start zorg", "306", 3),
        Kind("306", 419, _R, _G, "Retour start zorg"),
        Kind("307", 420, _H, _A, "Stop zorg", "308", 3),
        Kind("308", 421, _R, _G, "Retour stop zorg"),
        Kind("315", 444, _H, _A, "Verzoek om toewijzing", "316", 3),
        Kind("316", 445, _R, _G, "Retour verzoek om toewijzing"),
        Kind("317", 480, _H, _A, "Verzoek om wijziging", "318", 3),
        Kind("318", 481, _R, _G, "Retour verzoek om wijziging"),
        Kind("319", 482, _H, _G, "Antwoordbericht", "320", 3),
        Kind("320", 483, _R, _A, "Retour antwoordbericht"),
        Kind("323", 484, _H, _A, "Declaratie", "325", 10),
        Kind("325", 485, Direction.ANTWOORD, _G, "Declaratie-antwoord"),
    ],
    "ijw": [
        Kind("301", 436, _H, _G, "Toewijzing", "302", 3),
        Kind("302", 437, _R, _A, "Retour toewijzing"),
        Kind("305", 438, _H, _A, "Start zorg", "306", 3),
        Kind("306", 439, _R, _G, "Retour start zorg"),
        Kind("307", 440, _H, _A, "Stop zorg", "308", 3),
        Kind("308", 441, _R, _G, "Retour stop zorg"),
        Kind("315", 446, _H, _A, "Verzoek om toewijzing", "316", 3),
        Kind("316", 447, _R, _G, "Retour verzoek om toewijzing"),
        Kind("317", 486, _H, _A, "Verzoek om wijziging", "318", 3),
        Kind("318", 487, _R, _G, "Retour verzoek om wijziging"),
        Kind("319", 488, _H, _G, "Antwoordbericht", "320", 3),
        Kind("320", 489, _R, _A, "Retour antwoordbericht"),
        Kind("323", 490, _H, _A, "Declaratie", "325", 10),
        Kind("325", 491, Direction.ANTWOORD, _G, "Declaratie-antwoord"),
    ],
}
PRODUCTS = {"iwmo": "iWmo", "ijw": "iJw"}
# The message-name prefix of each product in namespaces and type names: wmo301, jw301.
PREFIX = {"iwmo": "wmo", "ijw": "jw"}

NAMESPACE = "http://www.istandaarden.nl/{product}/{major}_{minor}/{prefix}{number}/schema"
BASIS_NAMESPACE = "http://www.istandaarden.nl/{product}/{major}_{minor}/basisschema/schema"
_NAMESPACE_RE = re.compile(
    r"^http://www\.istandaarden\.nl/(?P<product>iwmo|ijw)/(?P<major>\d{1,2})_(?P<minor>\d{1,2})/"
    r"(?P<prefix>wmo|jw)(?P<number>\d{3})/schema$"
)


@dataclass(frozen=True)
class MessageType:
    """A message type of one release: JW301 of iJw 3.2."""

    product: str  # "iwmo" / "ijw"
    release: str  # "3.2"
    kind: Kind

    @property
    def name(self) -> str:
        return f"{PREFIX[self.product].upper()}{self.kind.number}"

    @property
    def bericht_code(self) -> int:
        return self.kind.bericht_code

    @property
    def direction(self) -> Direction:
        return self.kind.direction

    @property
    def is_retour(self) -> bool:
        """A retour in the IV028 sense: its header is the heen-bericht's."""
        return self.kind.direction == Direction.RETOUR

    @property
    def is_answer(self) -> bool:
        """A retour or the 325: it answers a heen-bericht that went through Knooppunt."""
        return self.kind.direction != Direction.HEEN

    @property
    def namespace(self) -> str:
        major, minor = self.release.split(".")
        return NAMESPACE.format(
            product=self.product,
            major=major,
            minor=minor,
            prefix=PREFIX[self.product],
            number=self.kind.number,
        )

    @property
    def basis_namespace(self) -> str:
        major, minor = self.release.split(".")
        return BASIS_NAMESPACE.format(product=self.product, major=major, minor=minor)

    @property
    def versie(self) -> tuple[int, int]:
        major, minor = self.release.split(".")
        return int(major), int(minor)

    def answered_by(self) -> MessageType | None:
        """The message type that answers this heen-bericht (302 for 301, 325 for 323)."""
        return self.sibling(self.kind.answered_by) if self.kind.answered_by else None

    def answers(self) -> MessageType | None:
        """For a retour (or the 325): the heen-bericht type it answers."""
        for kind in TABLE[self.product]:
            if kind.answered_by == self.kind.number:
                return self.sibling(kind.number)
        return None

    def sibling(self, number: str) -> MessageType:
        kind = next(k for k in TABLE[self.product] if k.number == number)
        return MessageType(self.product, self.release, kind)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class NamespaceInfo:
    """What a root element's namespace says, before anything is known to be supported."""

    product: str
    release: str
    number: str


def parse_namespace(namespace: str) -> NamespaceInfo | None:
    match = _NAMESPACE_RE.match(namespace or "")
    if match is None or PREFIX[match["product"]] != match["prefix"]:
        return None
    release = f"{int(match['major'])}.{int(match['minor'])}"
    return NamespaceInfo(match["product"], release, match["number"])


def kind_for(product: str, number: str) -> Kind | None:
    return next((k for k in TABLE.get(product, []) if k.number == number), None)


def message_types(product: str, release: str) -> list[MessageType]:
    return [MessageType(product, release, kind) for kind in TABLE[product]]


def lookup(namespace: str, bericht_code: int | None) -> MessageType | None:
    """namespace + BerichtCode -> the message type, whether or not its schema is loaded."""
    info = parse_namespace(namespace)
    if info is None:
        return None
    kind = kind_for(info.product, info.number)
    if kind is None or (bericht_code is not None and kind.bericht_code != bericht_code):
        return None
    return MessageType(info.product, info.release, kind)


def by_name(name: str, release: str) -> MessageType | None:
    """'JW301' of a release (for the filters and the bench)."""
    name = name.upper()
    for product, prefix in PREFIX.items():
        if name.startswith(prefix.upper()):
            kind = kind_for(product, name[len(prefix) :])
            if kind is not None:
                return MessageType(product, release, kind)
    return None


def type_names(product: str | None = None) -> list[str]:
    """Every type name of the table (WMO301, ..., JW325), for the filter of the lists."""
    products = [product] if product else list(TABLE)
    return [f"{PREFIX[p].upper()}{k.number}" for p in products for k in TABLE[p]]
