"""The client's BSN: the 11-proef, and the keyed hash under which it is found and logged.

The hash is an HMAC-SHA256 with KNOOPPUNT_BSN_KEY: a database reader without the key cannot
test the billion possible BSNs against it. The BSN itself is stored encrypted beside it
(core.fields.EncryptedTextField)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as stdnum_bsn


def normalise_bsn(value: str) -> str:
    """The BSN as 9 digits, or a ValidationError with a Dutch message (11-proef included)."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError(_("Vul het BSN van de cliënt in."), code="required")
    try:
        return stdnum_bsn.validate(raw)
    except StdnumError:
        raise ValidationError(
            _("Dit is geen geldig BSN: het moet uit 9 cijfers bestaan en de elfproef doorstaan."),
            code="invalid",
        ) from None


def is_bsn(value: str) -> bool:
    try:
        normalise_bsn(value)
    except ValidationError:
        return False
    return True


def bsn_hash(bsn: str) -> str:
    """The keyed hash of a (normalised) BSN, in hex."""
    key = settings.KNOOPPUNT_BSN_KEY.encode()
    return hmac.new(key, f"bsn:{bsn}".encode(), hashlib.sha256).hexdigest()
