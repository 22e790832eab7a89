"""Checking an uploaded agreement by its content, not by its name or the browser's word: the
bytes must be a PDF (puremagic, docs/decisions.md) with a PDF's header and end-of-file marker."""

import hashlib
import re
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class CheckedPdf:
    filename: str
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def max_bytes() -> int:
    return settings.KNOOPPUNT_APPLICATION_MAX_MB * 1024 * 1024


def check_pdf(upload) -> CheckedPdf:
    """The upload's bytes when they are a PDF of at most the allowed size; else a Dutch refusal."""
    if upload.size > max_bytes():
        raise ValidationError(
            _("Het bestand is te groot (ten hoogste %(mb)d MB).")
            % {"mb": settings.KNOOPPUNT_APPLICATION_MAX_MB},
            code="too_large",
        )
    content = upload.read(max_bytes() + 1)
    if len(content) > max_bytes():
        raise ValidationError(_("Het bestand is te groot."), code="too_large")
    if not content:
        raise ValidationError(_("Het bestand is leeg."), code="empty")
    try:
        mime = puremagic.from_string(content, mime=True)
    except puremagic.PureError:
        mime = ""
    # The header at the very start and the end-of-file marker near the end: a PDF, not
    # something else that merely starts like one.
    if (
        mime != "application/pdf"
        or not content.startswith(b"%PDF-")
        or b"%%EOF" not in content[-2048:]
    ):
        raise ValidationError(
            _("Dit bestand is geen PDF. Upload de ondertekende overeenkomst als PDF-bestand."),
            code="not_pdf",
        )
    name = re.sub(r"[^\w.\- ]", "_", (upload.name or "overeenkomst.pdf").rsplit("/", 1)[-1])[:200]
    return CheckedPdf(name or "overeenkomst.pdf", content)
