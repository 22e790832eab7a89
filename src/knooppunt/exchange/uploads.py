"""What a Gebruiker offers: one XML file or a ZIP of XML files, unpacked with bounds (at most
KNOOPPUNT_EXCHANGE_ZIP_MAX_FILES entries, each at most the file limit, together at most
KNOOPPUNT_EXCHANGE_ZIP_MAX_BYTES as actually read, whatever the ZIP's directory claims), no ZIP
inside a ZIP, no names with folders in them."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings

from .validation.base import Finding, Stage
from .validation.checks import size as size_check

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"


@dataclass
class Offered:
    """One file to check: its data, or the findings that refuse it before any check."""

    filename: str
    data: bytes = b""
    findings: list[Finding] = field(default_factory=list)
    # The ZIP it came from, for the screens.
    container: str = ""


def _finding(code: str, text: str, hint: str = "") -> Finding:
    return Finding(code, text, hint=hint, stage=Stage.SIZE)


def bad_name(name: str) -> bool:
    """A name with folders in it (or that tries to leave one)."""
    return (
        not name
        or "/" in name
        or "\\" in name
        or name in (".", "..")
        or "\x00" in name
        or any(ord(c) < 32 for c in name)
        or len(name) > 255
    )


def _name_finding(name: str) -> Finding:
    return _finding(
        "KP023",
        "De bestandsnaam bevat mapnamen of tekens die niet in een bestandsnaam horen.",
        "Geef het bestand een naam zonder mappen, bijvoorbeeld JW301-123.xml.",
    )


def is_zip(filename: str, data: bytes) -> bool:
    return data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)) or filename.lower().endswith(".zip")


def unpack(filename: str, data: bytes, *, zip_allowed: bool = True) -> list[Offered]:
    """The files to check, in the ZIP's order; a refused ZIP is one refused entry. Without
    `zip_allowed` (the webservice: one message per call) a ZIP is refused as a whole."""
    if bad_name(filename):
        return [Offered(filename[-255:] or "bestand", findings=[_name_finding(filename)])]
    if not is_zip(filename, data):
        return [Offered(filename, data)]
    if not zip_allowed:
        return [
            Offered(
                filename,
                findings=[
                    _finding(
                        "KP024",
                        "Via de webservice biedt u één XML-bericht per aanroep aan, geen "
                        "ZIP-bestand.",
                        "Bied elk bericht uit het ZIP-bestand afzonderlijk aan.",
                    )
                ],
            )
        ]
    if len(data) > size_check.max_bytes():
        return [Offered(filename, findings=[size_check.too_large(len(data))])]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return [
            Offered(
                filename,
                findings=[
                    _finding(
                        "KP025",
                        "Het ZIP-bestand is beschadigd of geen ZIP-bestand.",
                        "Maak het ZIP-bestand opnieuw.",
                    )
                ],
            )
        ]
    if not entries:
        return [Offered(filename, findings=[_finding("KP001", "Het ZIP-bestand is leeg.")])]
    limit = settings.KNOOPPUNT_EXCHANGE_ZIP_MAX_FILES
    if len(entries) > limit:
        return [
            Offered(
                filename,
                findings=[
                    _finding(
                        "KP020",
                        f"Het ZIP-bestand bevat {len(entries)} bestanden; ten hoogste {limit} "
                        "per ZIP.",
                        "Verdeel de berichten over meer ZIP-bestanden.",
                    )
                ],
            )
        ]
    bomb = [
        _finding(
            "KP022",
            "Het ZIP-bestand pakt uit tot meer dan "
            f"{settings.KNOOPPUNT_EXCHANGE_ZIP_MAX_BYTES // (1024 * 1024)} MB; Knooppunt pakt "
            "het niet uit.",
            "Bied de berichten in kleinere ZIP-bestanden aan.",
        )
    ]
    if sum(info.file_size for info in entries) > settings.KNOOPPUNT_EXCHANGE_ZIP_MAX_BYTES:
        return [Offered(filename, findings=bomb)]
    offered: list[Offered] = []
    total = 0
    per_file = size_check.max_bytes()
    for info in entries:
        name = info.filename
        if bad_name(name):
            offered.append(Offered(name[-255:], findings=[_name_finding(name)], container=filename))
            continue
        if info.flag_bits & 0x1:
            offered.append(
                Offered(
                    name,
                    findings=[
                        _finding(
                            "KP025",
                            "Dit bestand in de ZIP is versleuteld.",
                            "Bied de berichten zonder wachtwoord aan.",
                        )
                    ],
                    container=filename,
                )
            )
            continue
        if name.lower().endswith(".zip"):
            offered.append(Offered(name, findings=[_nested()], container=filename))
            continue
        try:
            with archive.open(info) as stream:
                # Read at most one byte more than allowed: the directory's sizes may lie.
                content = stream.read(
                    min(per_file, settings.KNOOPPUNT_EXCHANGE_ZIP_MAX_BYTES - total) + 1
                )
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            offered.append(
                Offered(
                    name,
                    findings=[_finding("KP025", "Dit bestand in de ZIP is beschadigd.")],
                    container=filename,
                )
            )
            continue
        total += len(content)
        if total > settings.KNOOPPUNT_EXCHANGE_ZIP_MAX_BYTES:
            return [Offered(filename, findings=bomb)]
        if len(content) > per_file:
            offered.append(
                Offered(name, findings=[size_check.too_large(info.file_size)], container=filename)
            )
            continue
        if content.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
            offered.append(Offered(name, findings=[_nested()], container=filename))
            continue
        offered.append(Offered(name, content, container=filename))
    return offered


def _nested() -> Finding:
    return _finding(
        "KP021",
        "Dit is een ZIP-bestand in een ZIP-bestand; Knooppunt pakt maar één laag uit.",
        "Zet de XML-bestanden zelf in de ZIP.",
    )
