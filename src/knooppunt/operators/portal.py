"""The operator console in the portal's menu (core.registry)."""

from django.utils.translation import gettext_lazy as _

from knooppunt.core.registry import MenuItem, menu

menu.register(
    MenuItem("operator", _("Beheerconsole"), "operator:index", rule="operator.console", order=90)
)
