"""eHerkenning's place in the portal's frame: the dashboard tab "Gebruikersbeheer" with the
self-registered users awaiting approval (BIDN 3.1) (core.registry). Its console inline is
registered in admin.py."""

from knooppunt.access import rules
from knooppunt.core.registry import Tile, dashboard


def _awaiting_approval(request):
    from .selectors import awaiting_approval

    if not rules.can(request.user, "usermanagement.access"):
        return None
    return {"pending_users": awaiting_approval(request.user)}


dashboard.register(
    Tile("usermanagement", "eherkenning/tile_awaiting_approval.html", _awaiting_approval, order=10)
)
