"""1. Size: not empty, at most KNOOPPUNT_EXCHANGE_MAX_FILE_BYTES (25 MB, as VECOZO and the GGk)."""

from __future__ import annotations

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from ..base import Finding, Stage


def max_bytes() -> int:
    return settings.KNOOPPUNT_EXCHANGE_MAX_FILE_BYTES


def too_large(size: int) -> Finding:
    return Finding(
        "KP001",
        f"Het bestand is {filesizeformat(size)}; Knooppunt neemt bestanden tot "
        f"{filesizeformat(max_bytes())} aan.",
        hint="Splits de berichten over meer bestanden.",
        stage=Stage.SIZE,
    )


def check(size: int) -> list[Finding]:
    if size == 0:
        return [
            Finding(
                "KP001",
                "Het bestand is leeg.",
                hint="Kies het XML-bestand van het bericht opnieuw.",
                stage=Stage.SIZE,
            )
        ]
    if size > max_bytes():
        return [too_large(size)]
    return []
