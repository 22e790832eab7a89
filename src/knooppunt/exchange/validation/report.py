"""The refusal list in the shape of the iStandaarden validation report:
`Rapport / Fouten / Fout {Code, Retourcode, Locatie, Details}`."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from lxml import etree

from .base import Finding


def validation_report(
    findings: Iterable[Finding],
    *,
    filename: str,
    message_type: str = "",
    identificatie: str = "",
    when: datetime.datetime | None = None,
) -> bytes:
    root = etree.Element("Rapport")
    etree.SubElement(root, "Bestandsnaam").text = filename
    if message_type:
        etree.SubElement(root, "Berichttype").text = message_type
    if identificatie:
        etree.SubElement(root, "BerichtIdentificatie").text = identificatie
    if when is not None:
        etree.SubElement(root, "Datum").text = when.isoformat(timespec="seconds")
    errors = etree.SubElement(root, "Fouten")
    for finding in findings:
        error = etree.SubElement(errors, "Fout")
        etree.SubElement(error, "Code").text = finding.code
        etree.SubElement(error, "Retourcode").text = finding.retourcode
        etree.SubElement(error, "Locatie").text = finding.location
        details = finding.text + (f" {finding.hint}" if finding.hint else "")
        etree.SubElement(error, "Details").text = details
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
