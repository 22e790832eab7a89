"""4. XSD validation against the schema of the message's type, with line numbers. lxml's messages
name the element and the facet; the values they quote are left out (a value may be a BSN)."""

from __future__ import annotations

import re

from knooppunt.exchange.standards import schemas

from ..base import Finding, Stage, Subject, location

MAX_FINDINGS = 50
_VALUE = re.compile(r"(The value|value) '[^']*'")
_NAMESPACE = re.compile(r"\{[^}]*\}")
_PREFIX = re.compile(r"/[A-Za-z0-9]+:")


def _message(text: str) -> str:
    text = _VALUE.sub(r"\1 …", text)
    text = _NAMESPACE.sub("", text)
    return text[:300]


def check(subject: Subject) -> list[Finding]:
    assert subject.message_type is not None
    schema = schemas.schema_for(subject.message_type)
    assert schema is not None  # the type check refused unsupported types
    if schema.validate(subject.tree):
        return []
    findings = []
    errors = list(schema.error_log)
    for error in errors[:MAX_FINDINGS]:
        path = _PREFIX.sub("/", error.path or "")
        findings.append(
            Finding(
                "XSD",
                "Het bericht voldoet niet aan het XSD-schema: " + _message(error.message),
                hint="Corrigeer het element op deze plaats volgens het schema van "
                f"{subject.message_type.name}.",
                location=location(line=error.line, path=path),
                stage=Stage.XSD,
            )
        )
    if len(errors) > MAX_FINDINGS:
        findings.append(
            Finding(
                "XSD",
                f"En nog {len(errors) - MAX_FINDINGS} afwijkingen van het XSD-schema.",
                stage=Stage.XSD,
            )
        )
    return findings
