"""User management's place in the portal's frame (core.registry)."""

from django.utils.translation import gettext_lazy as _

from knooppunt.core.registry import MenuItem, menu

menu.register(
    MenuItem(
        "users",
        _("Gebruikers"),
        "usermanagement:user_list",
        rule="usermanagement.access",
        order=10,
        namespaces=("usermanagement", "audit"),
    )
)
