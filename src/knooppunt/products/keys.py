"""The credential's key: "<prefix>.<secret>", made and checked with djangorestframework-api-key's
crypto (docs/decisions.md). The prefix finds the row; the whole key is stored as its SHA-512.

A key is 8 + 1 + 40 characters of [A-Za-z0-9.]: about 238 random bits in the secret, so a fast
hash is as safe as a slow one and a check costs microseconds, not an Argon2 verify.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rest_framework_api_key.crypto import KeyGenerator, Sha512ApiKeyHasher

PREFIX_LENGTH = 8
SECRET_LENGTH = 40
_generator = KeyGenerator(prefix_length=PREFIX_LENGTH, secret_key_length=SECRET_LENGTH)
_hasher = Sha512ApiKeyHasher()
KEY_RE = re.compile(rf"^([A-Za-z0-9]{{{PREFIX_LENGTH}}})\.([A-Za-z0-9]{{{SECRET_LENGTH}}})$")


@dataclass(frozen=True)
class NewKey:
    key: str  # shown once, never stored
    prefix: str
    hashed: str


def generate() -> NewKey:
    key, prefix, hashed = _generator.generate()
    return NewKey(key, prefix, hashed)


def prefix_of(key: str) -> str | None:
    """The prefix of a well-formed key, or None for anything else."""
    match = KEY_RE.match(key)
    return match.group(1) if match else None


def matches(key: str, hashed: str) -> bool:
    """Constant-time comparison of the key's SHA-512 with the stored one. Only our own hash
    format is accepted: a stored value of another kind never falls back to a password hasher."""
    if not hashed.startswith(f"{_hasher.algorithm}$$"):
        return False
    return _hasher.verify(key, hashed)
