"""Secrets at rest: encryption of the secrets the portal must read back (an authenticator app's
key, an eHerkenning broker's client secret) with cryptography's Fernet, and the keyed hash of
those it only compares (the login code).

The encryption keys come from KNOOPPUNT_FIELD_KEYS, a comma-separated list of Fernet keys: the
first encrypts, all of them decrypt, so a new key goes in front and the old one stays until
`knooppunt rotate_field_keys` has re-encrypted every value (README, "Keys"). Without the
variable the key is derived from SECRET_KEY, so development needs no set-up; production sets
its own (check core.W002), since a database dump and SECRET_KEY rarely travel apart.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["InvalidToken", "decrypt", "encrypt", "is_encrypted", "keyed_hash", "rotate"]


def generate_key() -> str:
    return Fernet.generate_key().decode()


def derived_key() -> str:
    """The key used while KNOOPPUNT_FIELD_KEYS is empty, as a Fernet key."""
    return _derived_key(settings.SECRET_KEY).decode()


def _derived_key(secret: str) -> bytes:
    digest = hmac.new(secret.encode(), b"knooppunt.field-encryption", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest)


@cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        return MultiFernet([Fernet(_derived_key(secret_key))])
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "KNOOPPUNT_FIELD_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes), "
            "comma-separated; make one with `knooppunt rotate_field_keys --new-key`."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.KNOOPPUNT_FIELD_KEYS), settings.SECRET_KEY)


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """Raises InvalidToken when no key decrypts it (a wrong or missing key, or no token)."""
    return fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """The same value encrypted with the first key."""
    return fernet().rotate(token.encode()).decode()


def is_encrypted(value: str) -> bool:
    """Whether one of the keys decrypts the value (a migration tells old plain text apart)."""
    try:
        decrypt(value)
    except InvalidToken:
        return False
    return True


def keyed_hash(value: str, *, context: str) -> str:
    """HMAC-SHA256 with KNOOPPUNT_LOGIN_CODE_KEY over `context` and the value, in hex: a
    database reader without the key cannot test the million six-digit codes against it."""
    key = settings.KNOOPPUNT_LOGIN_CODE_KEY.encode()
    return hmac.new(key, f"{context}:{value}".encode(), hashlib.sha256).hexdigest()
