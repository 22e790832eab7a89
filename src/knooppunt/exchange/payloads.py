"""Message payloads through Django's storage API (the `exchange` storage of STORAGES): the
filesystem by default, S3-compatible storage through django-storages. Names are random; nothing
is served at a public URL."""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

PREFIX = "berichten"


def storage():
    return storages["exchange"]


def save(data: bytes) -> str:
    now = timezone.now()
    name = f"{PREFIX}/{now:%Y/%m/%d}/{uuid.uuid4().hex}.xml"
    return storage().save(name, ContentFile(data))


def read(name: str) -> bytes:
    with storage().open(name, "rb") as handle:
        return handle.read()


def open_stream(name: str):
    return storage().open(name, "rb")


def delete(name: str) -> None:
    if name:
        storage().delete(name)


def walk(folder: str = PREFIX):
    """Every stored payload's name (for the orphan sweep)."""
    store = storage()
    try:
        folders, files = store.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from walk(f"{folder}/{sub}")
