"""User management's place in the portal's frame (core.registry): the menu entry, and on
"Welkom" the administrator's counts (each a link to the filtered "Gebruikers" list) and every
user's products with what their roles allow."""

from functools import cache
from typing import cast

from django.db import connection
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from knooppunt.access import rules
from knooppunt.access.models import Product, Role
from knooppunt.core import sql
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
    """The products this user holds an active role for, each role with what it allows: the
    grants the authorisation module judges by (loaded once per request for the menu), so a
    product the organisation no longer has shows no tile."""
    held = request.user.as_principal().grants
    products: dict = {}
    if held:
        by_code = {p.code: p for p in _all_products()}
        labels = dict(Role.choices)
        for code, role in sorted(held, key=lambda g: (by_code[g[0]].volgorde, g[1])):
            product = by_code[code]
            entry = products.setdefault(
                code,
                {
                    "product": product,
                    "summary": roles.PRODUCT_SUMMARIES.get(code, ""),
                    "roles": [],
                },
            )
            entry["roles"].append(
                {"label": labels.get(role, role), "explanation": roles.explain(code, role)}
            )
    return {
        "products": list(products.values()),
        "administrator": rules.can(request.user, "usermanagement.access"),
    }


dashboard.register(Tile("user_counts", "usermanagement/tile_counts.html", _counts, order=20))
dashboard.register(Tile("products", "usermanagement/tile_products.html", _products, order=30))


def _all_products() -> list[Product]:
    """The (four) products, in plain SQL (core.sql): an ORM query costs more to compile than
    to run, and every login ends on Welkom."""
    with connection.cursor() as cursor:
        cursor.execute(_all_products_sql(connection.alias))
        return [cast(Product, sql.instance(Product, row)) for row in cursor.fetchall()]


@cache
def _all_products_sql(alias: str) -> str:
    return f"SELECT {sql.columns(Product, 'p', alias)} FROM {sql.table(Product, alias)} p"  # noqa: S608
