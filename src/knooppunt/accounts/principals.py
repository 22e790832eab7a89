"""Portal users as principals of the authorisation module (knooppunt.access.principals)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from django.db import connection

from knooppunt.access.principals import ActorKind, Grant, Principal
from knooppunt.core import sql

if TYPE_CHECKING:
    from .models import User


_CACHE = "_knooppunt_principal"


def principal_for_user(user: User) -> Principal:
    """The user's principal, kept on the instance for the rest of its life (a request), so that
    the menu's questions share one load of the held roles. It is made anew when a field it
    carries changed, and `forget_principal` drops it when the roles change."""
    fingerprint = (user.pk, user.status, user.is_administrator, user.organisation_id)
    cached = user.__dict__.get(_CACHE)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    principal = _build(user)
    user.__dict__[_CACHE] = (fingerprint, principal)
    return principal


def forget_principal(user: User) -> None:
    user.__dict__.pop(_CACHE, None)


def _build(user: User) -> Principal:
    organisation = user.organisation
    return Principal(
        ActorKind.OPERATOR if organisation.is_operator else ActorKind.USER,
        name=user.username,
        id=user.pk,
        organisation_id=user.organisation_id,
        is_administrator=user.is_administrator,
        active=user.is_active,
        subject=user,
        agreements_loader=organisation.has_all_agreements,
        grants_loader=lambda: held_grants(user),
    )


def held_grants(user: User) -> frozenset[Grant]:
    """The user's active roles for products its organisation (still) has: one query, in plain
    SQL (core.sql) because every page a user opens asks it for the menu."""
    with connection.cursor() as cursor:
        cursor.execute(_held_grants_sql(connection.alias), [user.pk, True, user.organisation_id])
        return frozenset((code, role) for code, role in cursor.fetchall())


# Table and column names from the models, quoted by the database backend; values are parameters.
_HELD_GRANTS = (
    "SELECT p.{code}, g.{role} FROM {grants} g"
    " JOIN {products} p ON p.{id} = g.{product}"
    " JOIN {through} op ON op.{through_product} = g.{product}"
    " WHERE g.{user} = %s AND g.{active} = %s AND op.{through_organisation} = %s"
)


@cache
def _held_grants_sql(alias: str) -> str:
    from knooppunt.access.models import Product, RoleGrant
    from knooppunt.organisations.models import Organisation

    through = Organisation.products.through
    names = {
        "grants": sql.table(RoleGrant, alias),
        "products": sql.table(Product, alias),
        "through": sql.table(through, alias),
        "code": sql.column(Product, "code", alias),
        "id": sql.column(Product, "id", alias),
        "role": sql.column(RoleGrant, "role", alias),
        "product": sql.column(RoleGrant, "product", alias),
        "user": sql.column(RoleGrant, "user", alias),
        "active": sql.column(RoleGrant, "active", alias),
        "through_product": sql.column(through, "product", alias),
        "through_organisation": sql.column(through, "organisation", alias),
    }
    return _HELD_GRANTS.format(**names)  # noqa: S608
