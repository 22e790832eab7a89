"""The product's notification addresses ("Meldingen" of the products app): read in one place."""

from __future__ import annotations

from knooppunt.products.selectors import notification_addresses


def addresses(organisation_id: int, product: str) -> list[str]:
    return notification_addresses(organisation_id, product)
