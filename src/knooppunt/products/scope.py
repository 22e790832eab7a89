"""One product of one organisation: what the "Productinstellingen" tab and its rules are about."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ProductScope:
    organisation: Any  # organisations.Organisation
    product: Any  # access.Product

    @property
    def organisation_id(self) -> int:
        return self.organisation.pk

    @property
    def product_code(self) -> str:
        return self.product.code

    def __str__(self) -> str:
        return f"{self.product.naam} — {self.organisation}"


def scope_key(obj) -> tuple[int, str]:
    """(organisation id, product code) of a scope, an address or a credential."""
    if isinstance(obj, ProductScope):
        return obj.organisation_id, obj.product_code
    return obj.organisation_id, obj.product.code
