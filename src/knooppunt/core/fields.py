"""A model field whose value is stored encrypted (core.crypto): the database, and so any dump or
backup of it, holds only Fernet tokens; the model sees the plain value."""

from __future__ import annotations

from django.core.exceptions import FieldError
from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Text encrypted at rest. An empty value is stored empty (it hides nothing). It cannot be
    searched: every encryption of a value differs, so a lookup other than isnull is refused."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_db_prep_save(self, value, connection):
        value = super().get_db_prep_save(value, connection)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(f"{self.name} is encrypted and cannot be searched ({lookup_name}).")
        return super().get_lookup(lookup_name)
