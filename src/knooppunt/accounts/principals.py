"""Portal users as principals of the authorisation module (knooppunt.access.principals)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from knooppunt.access.principals import ActorKind, Grant, Principal

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
    """The user's active roles for products its organisation (still) has: one query."""
    from knooppunt.access.models import RoleGrant

    rows = RoleGrant.objects.filter(
        user_id=user.pk, active=True, product__organisations=user.organisation_id
    ).values_list("product__code", "role")
    return frozenset(rows)
