"""Berichtenverkeer in the portal's frame (core.registry): the menu entry "Berichten" and a
dashboard tile with the messages waiting to be retrieved."""

from django.utils.translation import gettext_lazy as _

from knooppunt.access import rules
from knooppunt.core.registry import MenuItem, Tile, dashboard, menu


def _waiting(request):
    from .models import Message, Status
    from .rules import inbox_scope

    if not rules.can(request.user, "exchange.use"):
        return None
    waiting = Message.objects.filter(inbox_scope(request.user), status=Status.AANGEBODEN).count()
    return {"waiting": waiting}


menu.register(
    MenuItem(
        "berichten",
        _("Berichten"),
        "exchange:inbox",
        rule="exchange.use",
        order=30,
        namespaces=("exchange",),
    )
)
dashboard.register(Tile("berichten", "exchange/tile.html", _waiting, order=30))
