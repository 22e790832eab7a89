"""Routing codes: a gemeente is addressed by its gemeentecode (4 digits), a zorgaanbieder by its
AGB-code (8 digits)."""

from __future__ import annotations

from knooppunt.organisations.models import Organisation, OrganisationType


def routing_code(organisation) -> str:
    if organisation.type == OrganisationType.GEMEENTE:
        return organisation.gemeentecode
    if organisation.type == OrganisationType.ZORGAANBIEDER:
        return organisation.agb_code
    return ""


def organisation_for_code(code: str) -> list[Organisation]:
    """The organisations a header's code names (normally one; several means ambiguous)."""
    if len(code) == 4 and code.isdigit():
        found = Organisation.objects.filter(type=OrganisationType.GEMEENTE, gemeentecode=code)
    elif len(code) == 8 and code.isdigit():
        found = Organisation.objects.filter(type=OrganisationType.ZORGAANBIEDER, agb_code=code)
    else:
        return []
    return list(found.order_by("pk")[:2])


def has_product(organisation, product: str) -> bool:
    return organisation.products.filter(code=product).exists()
