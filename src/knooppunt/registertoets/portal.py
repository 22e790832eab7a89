"""Wlz-Registertoets in the portal's frame (core.registry)."""

from django.utils.translation import gettext_lazy as _

from knooppunt.core.registry import MenuItem, menu

menu.register(
    MenuItem(
        "registertoets",
        _("Wlz-Registertoets"),
        "registertoets:raadplegen",
        rule="registertoets.raadplegen",
        order=30,
        namespaces=("registertoets",),
    )
)
menu.register(
    MenuItem(
        "registertoets_overzicht",
        _("Raadplegingen Wlz"),
        "registertoets:overzicht",
        rule="registertoets.overzicht",
        order=35,
        rule_object=lambda user: user.organisation,
    )
)
