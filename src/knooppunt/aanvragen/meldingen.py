"""Who hears of an application's status changes: the submitting organisation's notification
addresses for Wlz-aanvragen ("Meldingen" on the Productinstellingen tab of the products app).

This is the one place that reads them. Until the products app is installed the organisation's
own e-mail address (organisation data, kept by the operator) stands in."""

from __future__ import annotations

from django.apps import apps

from knooppunt.organisations.models import Organisation

from .soorten import PRODUCT


def addresses(organisation_id: int) -> list[str]:
    if apps.is_installed("knooppunt.products"):
        from knooppunt.products.selectors import notification_addresses

        return list(notification_addresses(organisation_id, PRODUCT))
    email = Organisation.objects.filter(pk=organisation_id).values_list("email", flat=True).first()
    return [email] if email else []
