"""Schema sets per release, loaded from configurable directories (KNOOPPUNT_ISTANDAARDEN_DIRS).

A directory holds one folder per product and release, `iwmo-3.2/`, `ijw-3.3/`, each with the
message schemas (`WMO301.xsd`, ...) and the `basisschema.xsd` they import. A production
installation points the setting at the official set of the release it runs; 3.3 is added beside
3.2 by adding its folders. Without the setting the package's own 3.2 copy (`schemas/`) is used.

Compiled schemas are kept per process: they are read-only copies of files, the same in every
process, and compiling one costs tens of milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from lxml import etree

from . import registry

DEFAULT_DIR = Path(__file__).resolve().parent / "schemas"
_SET_RE = re.compile(r"^(?P<product>iwmo|ijw)-(?P<release>\d{1,2}\.\d{1,2})$")


def _schema_parser() -> etree.XMLParser:
    # The schema files are ours to trust less than the code: no DTD, no entities, no network.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass(frozen=True)
class SchemaFile:
    message_type: registry.MessageType
    path: Path


@dataclass(frozen=True)
class SchemaSet:
    product: str
    release: str
    folder: Path
    files: tuple[SchemaFile, ...]

    @property
    def label(self) -> str:
        return f"{registry.PRODUCTS[self.product]} {self.release}"

    def missing(self) -> list[registry.MessageType]:
        """The message types of the table this set has no schema for."""
        present = {f.message_type.kind.number for f in self.files}
        return [
            t
            for t in registry.message_types(self.product, self.release)
            if t.kind.number not in present
        ]


def directories() -> list[Path]:
    configured = getattr(settings, "KNOOPPUNT_ISTANDAARDEN_DIRS", None) or []
    return [Path(d) for d in configured] or [DEFAULT_DIR]


@cache
def _load(dirs: tuple[Path, ...]) -> dict[tuple[str, str], SchemaSet]:
    sets: dict[tuple[str, str], SchemaSet] = {}
    for directory in dirs:
        if not directory.is_dir():
            continue
        for folder in sorted(directory.iterdir()):
            match = _SET_RE.match(folder.name)
            if not match or not folder.is_dir():
                continue
            product, release = match["product"], match["release"]
            files = []
            for path in sorted(folder.glob("*.xsd")):
                namespace = _target_namespace(path)
                info = registry.parse_namespace(namespace)
                if info is None or info.product != product or info.release != release:
                    continue  # the basisschema, or a file of another set
                kind = registry.kind_for(product, info.number)
                if kind is not None:
                    files.append(SchemaFile(registry.MessageType(product, release, kind), path))
            # A later directory adds to (or replaces) an earlier one's set of the same release.
            sets[(product, release)] = SchemaSet(product, release, folder, tuple(files))
    return sets


def _target_namespace(path: Path) -> str:
    try:
        for _event, element in etree.iterparse(
            str(path), events=("start",), resolve_entities=False, no_network=True, load_dtd=False
        ):
            return element.get("targetNamespace") or ""
    except etree.XMLSyntaxError:
        return ""
    return ""


def schema_sets() -> list[SchemaSet]:
    return sorted(_load(tuple(directories())).values(), key=lambda s: (s.product, s.release))


def schema_file(message_type: registry.MessageType) -> Path | None:
    found = _load(tuple(directories())).get((message_type.product, message_type.release))
    if found is None:
        return None
    for entry in found.files:
        if entry.message_type.kind.number == message_type.kind.number:
            return entry.path
    return None


def is_supported(message_type: registry.MessageType) -> bool:
    return schema_file(message_type) is not None


def supported_releases(product: str) -> list[str]:
    return [s.release for s in schema_sets() if s.product == product]


@cache
def _compiled(path: Path) -> etree.XMLSchema:
    document = etree.parse(str(path), _schema_parser())
    return etree.XMLSchema(document)


def schema_for(message_type: registry.MessageType) -> etree.XMLSchema | None:
    path = schema_file(message_type)
    return _compiled(path) if path is not None else None


def forget() -> None:
    """Read the directories again (after the setting changed: tests, a new set on disk)."""
    _load.cache_clear()
    _compiled.cache_clear()
