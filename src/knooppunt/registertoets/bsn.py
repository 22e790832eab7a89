"""The burgerservicenummer: the 11-proef, and how the register keeps one without storing it in
plain text (a keyed hash to find it, Fernet encryption to disclose it: core.crypto)."""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from django.conf import settings

from knooppunt.core import crypto

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_WEIGHT_SUM = sum(_WEIGHTS)
_DIGITS = frozenset("0123456789")


def is_valid(value: str) -> bool:
    """Nine digits that pass the 11-proef (the weighted sum with -1 for the last digit is a
    multiple of 11), and not all zeros."""
    if len(value) != 9 or not _DIGITS.issuperset(value):
        return False
    d = value.encode()  # ASCII digits: the weighted sum of the codes, less 48 times the weights'
    total = 9 * d[0] + 8 * d[1] + 7 * d[2] + 6 * d[3] + 5 * d[4] + 4 * d[5] + 3 * d[6] + 2 * d[7]
    total -= d[8] + 48 * _WEIGHT_SUM
    return total % 11 == 0 and value != "000000000"


def normalise(value: str) -> str:
    """What a person types: spaces and dots between the digits are dropped."""
    return value.strip().replace(" ", "").replace(".", "")


@cache
def _pads(key: str) -> tuple[object, object]:
    """HMAC-SHA256's two keyed states, prepared once: the import hashes a million BSNs."""
    raw = hmac.new(key.encode(), b"knooppunt.registertoets.bsn", hashlib.sha256).digest()
    block = raw.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
    return inner, outer


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of the BSN under KNOOPPUNT_BSN_KEY (its own key, in hex): the same BSN
    always gives the same hash, so the register and the lookup log can be searched, and a
    reader of the database without the key cannot try the 90 million valid numbers."""
    inner, outer = _pads(settings.KNOOPPUNT_BSN_KEY)
    i = inner.copy()  # type: ignore[attr-defined]
    i.update(value.encode())
    o = outer.copy()  # type: ignore[attr-defined]
    o.update(i.digest())
    return o.hexdigest()


def encrypt(value: str) -> str:
    return crypto.encrypt(value)


def decrypt(token: str) -> str:
    return crypto.decrypt(token)


def mask(value: str) -> str:
    """For screens that confirm which BSN was asked about without repeating it whole."""
    return "*****" + value[-4:] if len(value) == 9 else value
