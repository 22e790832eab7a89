"""User management's place in the portal's frame (core.registry): the menu entry, and on
"Welkom" the administrator's counts (each a link to the filtered "Gebruikers" list) and every
user's products with what their roles allow."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from knooppunt.access import rules
from knooppunt.core.registry import MenuItem, Tile, dashboard, menu

from . import roles, selectors

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


def _counts(request):
    user = request.user
    if not rules.can(user, "usermanagement.access") or rules.can(user, "user.list_all"):
        return None  # the operator's dashboard is the console
    organisation_id = user.organisation_id
    base = reverse("usermanagement:user_list")
    counts = [
        {**c, "url": f"{base}?{urlencode({'status': c['filter'].value})}"}
        for c in selectors.counts(organisation_id)
    ]
    return {
        "counts": counts,
        "returning": selectors.deactivated_with_end_date(organisation_id),
        "expired_invitations": selectors.expired_invitations(organisation_id),
        "welcome_url": reverse("core:welcome"),
    }


def _products(request):
    """The products this user holds an active role for, each role with what it allows."""
    grants = [
        g
        for g in request.user.role_grants.select_related("product").order_by(
            "product__volgorde", "role"
        )
        if g.active
    ]
    products: dict = {}
    for grant in grants:
        entry = products.setdefault(
            grant.product.pk,
            {
                "product": grant.product,
                "summary": roles.PRODUCT_SUMMARIES.get(grant.product.code, ""),
                "roles": [],
            },
        )
        entry["roles"].append(
            {
                "label": grant.get_role_display(),
                "explanation": roles.explain(grant.product.code, grant.role),
            }
        )
    return {
        "products": list(products.values()),
        "administrator": rules.can(request.user, "usermanagement.access"),
    }


dashboard.register(Tile("user_counts", "usermanagement/tile_counts.html", _counts, order=20))
dashboard.register(Tile("products", "usermanagement/tile_products.html", _products, order=30))
