"""Granting, revoking, suspending and restoring product roles (SPEC 4.2, BIDN 3.3.1).

A grant row with active=True is a held role. Revoking deletes the row. Deactivating a user
*suspends* its grants (active=False), so that on reactivation the administrator sees which roles
the user held and can restore them at once; nothing else sets active=False.
"""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from knooppunt.accounts.models import Status
from knooppunt.audit.services import record
from knooppunt.core.doors import inside_service, nothing_changed, service

from . import rules
from .models import Product, Role, RoleGrant
from .principals import as_principal

# Roles are held only by users who can (or will) log in.
GRANTABLE_STATUSES = (Status.INVITED, Status.PENDING, Status.ACTIVE)

Grant = tuple[str, str]  # (product code, role)


def _label(product: Product, role: str) -> str:
    return f"{product.code}:{role}"


def _bump_version(user) -> None:
    type(user).objects.filter(pk=user.pk).update(version=F("version") + 1)
    user.version += 1


def _check_grantable(user, grants: set[Grant]) -> dict[str, Product]:
    """Products of the user's organisation by code; refuse a role the product does not have."""
    products = {p.code: p for p in user.organisation.products.all()}
    problems = []
    for code, role in sorted(grants):
        product = products.get(code)
        if product is None:
            problems.append(
                _("Het product %(product)s hoort niet bij de organisatie van deze gebruiker.")
                % {"product": code}
            )
        elif role not in product.roles():
            problems.append(
                _("Het product %(product)s kent de rol %(role)s niet.")
                % {"product": product.naam, "role": role}
            )
    if problems:
        raise ValidationError(problems, code="invalid_grant")
    if grants and user.status not in GRANTABLE_STATUSES:
        raise ValidationError(
            _("Rollen kunt u alleen toekennen aan een actieve of nieuwe gebruiker."),
            code="not_grantable",
        )
    return products


def _grant(actor, user, product: Product, role: str, request) -> RoleGrant | None:
    """Hold the role (create the row or make a suspended one active). None if already held."""
    grant, created = RoleGrant.objects.get_or_create(
        user=user,
        product=product,
        role=role,
        defaults={"granted_by": as_principal(actor).user, "active": True},
    )
    if not created:
        if grant.active:
            return None
        grant.active = True
        grant.granted_by = as_principal(actor).user
        grant.save(update_fields=["active", "granted_by", "updated_at"])
    record(
        "role.grant",
        actor=actor,
        request=request,
        organisation=user.organisation_id,
        target=user,
        details={"product": product.code, "role": role},
    )
    return grant


def _revoke(actor, grant: RoleGrant, request) -> None:
    user = grant.user
    record(
        "role.revoke",
        actor=actor,
        request=request,
        organisation=user.organisation_id,
        target=user,
        details={"product": grant.product.code, "role": grant.role},
    )
    grant.delete()


@service(rule="user.grant_roles", audit=("role.grant",))
def grant_role(actor, user, product: Product, role: str, *, request=None) -> RoleGrant | None:
    rules.require(actor, "user.grant_roles", user)
    _check_grantable(user, {(product.code, role)})
    grant = _grant(actor, user, product, role, request)
    if grant is None:
        nothing_changed()
    else:
        _bump_version(user)
    return grant


@service(rule="user.grant_roles", audit=("role.revoke",))
def revoke_role(actor, user, product: Product, role: str, *, request=None) -> bool:
    rules.require(actor, "user.grant_roles", user)
    grant = RoleGrant.objects.filter(user=user, product=product, role=role).first()
    if grant is None:
        nothing_changed()
        return False
    _revoke(actor, grant, request)
    _bump_version(user)
    return True


@service(rule="user.grant_roles", audit=("role.grant", "role.revoke"))
def set_grants(actor, user, grants: set[Grant], *, request=None) -> dict[str, list[str]]:
    """Make `grants` the user's held roles (see `apply_grants`)."""
    rules.require(actor, "user.grant_roles", user)
    result = apply_grants(actor, user, grants, request)
    if result["granted"] or result["revoked"]:
        _bump_version(user)
    else:
        nothing_changed()
    return result


@inside_service
def apply_grants(actor, user, grants: set[Grant], request) -> dict[str, list[str]]:
    """Part of a service that checked "user.grant_roles": make `grants` the user's held roles.
    Held roles not in the set are revoked; suspended roles not in the set stay suspended (they
    are the 'previously held roles' of a deactivated user). Returns what changed:
    {"granted": [...], "revoked": [...]}. The caller bumps the user's version."""
    user.__dict__.pop("_knooppunt_principal", None)  # accounts.principals: its roles change
    grants = {(code, Role(role).value) for code, role in grants}
    products = _check_grantable(user, grants)
    held = {
        (g.product.code, g.role): g
        for g in RoleGrant.objects.filter(user=user, active=True).select_related("product", "user")
    }
    granted, revoked = [], []
    for code, role in sorted(grants - held.keys()):
        if _grant(actor, user, products[code], role, request) is not None:
            granted.append(f"{code}:{role}")
    for key in sorted(held.keys() - grants):
        _revoke(actor, held[key], request)
        revoked.append(f"{key[0]}:{key[1]}")
    return {"granted": granted, "revoked": revoked}


@inside_service
def suspend_grants(user) -> list[str]:
    """Part of deactivation (the caller checked authorisation): every held role inactive."""
    user.__dict__.pop("_knooppunt_principal", None)
    grants = list(RoleGrant.objects.filter(user=user, active=True).select_related("product"))
    RoleGrant.objects.filter(pk__in=[g.pk for g in grants]).update(active=False)
    return [_label(g.product, g.role) for g in grants]


def suspended_grants(user) -> list[RoleGrant]:
    """The roles a user held before its deactivation, for products its organisation still has."""
    return list(
        RoleGrant.objects.filter(
            user=user, active=False, product__organisations=user.organisation_id
        )
        .select_related("product")
        .order_by("product__volgorde", "role")
    )


@inside_service
def restore_suspended(actor, user, request) -> list[str]:
    """Part of reactivation or `restore_grants` (the caller checked authorisation)."""
    restored = []
    for grant in suspended_grants(user):
        grant.active = True
        grant.granted_by = as_principal(actor).user
        grant.save(update_fields=["active", "granted_by", "updated_at"])
        restored.append(_label(grant.product, grant.role))
    if restored:
        record(
            "role.restore",
            actor=actor,
            request=request,
            organisation=user.organisation_id,
            target=user,
            details={"roles": restored},
        )
    return restored


@service(rule="user.grant_roles", audit=("role.restore",))
def restore_grants(actor, user, *, request=None) -> list[str]:
    """One click: give an active user back the roles it held before its deactivation."""
    rules.require(actor, "user.grant_roles", user)
    if user.status != Status.ACTIVE:
        raise ValidationError(
            _("Rollen kunt u alleen herstellen voor een actieve gebruiker."), code="not_active"
        )
    restored = restore_suspended(actor, user, request)
    if restored:
        _bump_version(user)
    else:
        nothing_changed()
    return restored
