"""Product settings in the portal's menu (core.registry)."""

from django.utils.translation import gettext_lazy as _

from knooppunt.core.registry import MenuItem, menu

menu.register(
    MenuItem(
        "productinstellingen",
        _("Productinstellingen"),
        "products:index",
        rule="products.index",
        order=30,
        namespaces=("products",),
    )
)
