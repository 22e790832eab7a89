"""The product's notification addresses ("Meldingen" of the products app, issue 14): one small
function, so that the exchange reads them in one place."""

from __future__ import annotations


def addresses(organisation_id: int, product: str) -> list[str]:
    try:
        from knooppunt.products.selectors import notification_addresses
    except ImportError:
        # Until the products app is installed: the organisation's own e-mail address.
        from knooppunt.organisations.models import Organisation

        email = Organisation.objects.filter(pk=organisation_id).values_list("email", flat=True)
        return [e for e in email if e]
    return notification_addresses(organisation_id, product)
