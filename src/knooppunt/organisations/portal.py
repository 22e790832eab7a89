"""The "Organisatie" page in the portal's menu (core.registry)."""

from django.utils.translation import gettext_lazy as _

from knooppunt.core.registry import MenuItem, menu

menu.register(
    MenuItem(
        "organisation",
        _("Organisatie"),
        "organisations:detail",
        rule="organisation.view",
        order=20,
        namespaces=("organisations",),
        rule_object=lambda user: user.organisation,
    )
)
