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
from knooppunt.access.models import Product, Role, RoleGrant
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
    """The products this user holds an active role for, each role with what it allows."""
    products: dict = {}
    for product, role in _active_grants(request.user.pk):
        entry = products.setdefault(
            product.pk,
            {
                "product": product,
                "summary": roles.PRODUCT_SUMMARIES.get(product.code, ""),
                "roles": [],
            },
        )
        entry["roles"].append(
            {"label": Role(role).label, "explanation": roles.explain(product.code, role)}
        )
    return {
        "products": list(products.values()),
        "administrator": rules.can(request.user, "usermanagement.access"),
    }


dashboard.register(Tile("user_counts", "usermanagement/tile_counts.html", _counts, order=20))
dashboard.register(Tile("products", "usermanagement/tile_products.html", _products, order=30))


def _active_grants(user_id: int) -> list[tuple[Product, str]]:
    """(product, role) of the user's active grants in the products' order: one query in plain
    SQL (core.sql), as every user's "Welkom" asks it after each login."""
    with connection.cursor() as cursor:
        cursor.execute(_active_grants_sql(connection.alias), [user_id, True])
        return [(cast(Product, sql.instance(Product, row)), row[-1]) for row in cursor.fetchall()]


# Table and column names from the models, quoted by the database backend; values are parameters.
_ACTIVE_GRANTS = (
    "SELECT {product_columns}, g.{role} FROM {grants} g JOIN {products} p ON p.{id} = g.{product}"
    " WHERE g.{user} = %s AND g.{active} = %s ORDER BY p.{volgorde}, g.{role}"
)


@cache
def _active_grants_sql(alias: str) -> str:
    names = {
        "product_columns": sql.columns(Product, "p", alias),
        "grants": sql.table(RoleGrant, alias),
        "products": sql.table(Product, alias),
        "id": sql.column(Product, "id", alias),
        "volgorde": sql.column(Product, "volgorde", alias),
        "role": sql.column(RoleGrant, "role", alias),
        "product": sql.column(RoleGrant, "product", alias),
        "user": sql.column(RoleGrant, "user", alias),
        "active": sql.column(RoleGrant, "active", alias),
    }
    return _ACTIVE_GRANTS.format(**names)  # noqa: S608
