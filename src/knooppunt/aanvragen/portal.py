"""Wlz-aanvragen in the portal's frame (core.registry): the "Aanvragen" menu entry for the
product's Gebruikers, a dashboard tile with what needs their attention, and one for the
operator with the work queue's new and late applications."""

from django.utils.translation import gettext_lazy as _

from knooppunt.access import rules
from knooppunt.core.registry import MenuItem, Tile, dashboard, menu

menu.register(
    MenuItem(
        "aanvragen",
        _("Aanvragen"),
        "aanvragen:list",
        rule="aanvragen.use",
        order=30,
        namespaces=("aanvragen",),
    )
)


def _submitter_tile(request):
    if not rules.can(request.user, "aanvragen.use"):
        return None
    from .selectors import counts

    return counts(request.user)


def _operator_tile(request):
    if not rules.can(request.user, "aanvragen.handle"):
        return None
    from .selectors import queue_counts

    return queue_counts(request.user)


dashboard.register(Tile("aanvragen", "aanvragen/tile.html", _submitter_tile, order=30))
dashboard.register(
    Tile("aanvragen-werkvoorraad", "aanvragen/tile_queue.html", _operator_tile, order=30)
)
