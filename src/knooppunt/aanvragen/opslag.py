"""Where attachment files live: the "bijlagen" storage (settings.STORAGES), a folder that no URL
serves. Files get a random name; the original name is kept only in the database."""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import storages


def storage():
    return storages["bijlagen"]


def save(content: bytes) -> str:
    name = f"{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"
    return storage().save(name, ContentFile(content))


def read(name: str) -> bytes:
    with storage().open(name, "rb") as handle:
        return handle.read()


def delete(name: str) -> None:
    storage().delete(name)
