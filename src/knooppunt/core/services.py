"""Services of the portal's own machinery."""

from django.apps import apps
from django.db.models import Model

from knooppunt.access import rules
from knooppunt.audit.services import record
from knooppunt.core.doors import service

from .fields import EncryptedTextField


def encrypted_fields() -> list[tuple[type[Model], str]]:
    """Every (model, field name) stored encrypted (core.fields.EncryptedTextField)."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


@service(rule="secrets.rotate_keys", audit=("secrets.rotate_keys",))
def rotate_field_keys(actor) -> int:
    """Encrypt every encrypted value again with the first of KNOOPPUNT_FIELD_KEYS (each is read
    with whichever key decrypts it), so that the keys after it can be removed. Returns how many
    values were written; in one transaction, so it is all or nothing."""
    rules.require(actor, "secrets.rotate_keys")
    count = 0
    for model, name in encrypted_fields():
        rows = model._default_manager.filter(**{f"{name}__isnull": False})
        for pk, value in rows.values_list("pk", name).iterator():
            if value == "":
                continue  # stored empty, as it hides nothing
            # update() writes through the field, which encrypts with the first key.
            model._default_manager.filter(pk=pk).update(**{name: value})
            count += 1
    record("secrets.rotate_keys", actor=actor, details={"values": count})
    return count
