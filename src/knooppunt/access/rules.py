"""THE authorisation module: every view, command and API asks `can()` or uses the scoped
querysets and getters here. No other code decides who may do what.

Actions are plain strings; each maps to one predicate `(actor, obj) -> bool`. Anything not
registered is refused.
"""

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import Http404

from .models import Role

Predicate = Callable[[object, object], bool]
_RULES: dict[str, Predicate] = {}


def rule(action: str) -> Callable[[Predicate], Predicate]:
    def register(func: Predicate) -> Predicate:
        if action in _RULES:
            raise ValueError(f"Rule {action!r} is registered twice")
        _RULES[action] = func
        return func

    return register


def can(actor, action: str, obj=None) -> bool:
    """May `actor` perform `action` (on `obj`)? Unknown actions and anonymous actors: no."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    predicate = _RULES.get(action)
    if predicate is None:
        return False
    return bool(predicate(actor, obj))


def require(actor, action: str, obj=None) -> None:
    """Raise 404 rather than 403, so another organisation's ids reveal nothing."""
    if not can(actor, action, obj):
        raise Http404


def registered_actions() -> list[str]:
    return sorted(_RULES)


# --- building blocks -------------------------------------------------------------------------


def is_operator(actor) -> bool:
    return actor.organisation.is_operator


def agreements_complete(organisation) -> bool:
    """SPEC 2: nothing but the 'missing agreements' page until all required ones are signed."""
    if organisation.is_operator:
        return True
    return organisation.has_all_agreements()


def _administers(actor, organisation_id) -> bool:
    return (
        actor.is_administrator
        and actor.organisation_id == organisation_id
        and agreements_complete(actor.organisation)
    )


# --- rules -----------------------------------------------------------------------------------


@rule("operator.console")
def _operator_console(actor, obj) -> bool:
    return is_operator(actor)


@rule("portal.use")
def _portal_use(actor, obj) -> bool:
    """Any page of the portal beyond the agreements gate."""
    return agreements_complete(actor.organisation)


@rule("usermanagement.access")
def _usermanagement(actor, obj) -> bool:
    return is_operator(actor) or _administers(actor, actor.organisation_id)


@rule("user.view")
@rule("user.change")
def _user_change(actor, user) -> bool:
    return is_operator(actor) or _administers(actor, user.organisation_id)


@rule("user.create_in")
@rule("user.import_into")
def _user_create_in(actor, organisation) -> bool:
    return is_operator(actor) or _administers(actor, organisation.pk)


@rule("user.deactivate")
@rule("user.reactivate")
@rule("user.delete")
@rule("user.approve")
@rule("user.set_administrator")
@rule("user.grant_roles")
def _user_manage(actor, user) -> bool:
    """The state changes of the administrator's screens: same scope as editing the user."""
    return is_operator(actor) or _administers(actor, user.organisation_id)


@rule("user.list_all")
def _user_list_all(actor, obj) -> bool:
    """The list of users over all organisations, with the organisation column and filter."""
    return is_operator(actor)


@rule("user.export_from")
def _user_export_from(actor, organisation) -> bool:
    if organisation is None:
        return is_operator(actor)
    return is_operator(actor) or _administers(actor, organisation.pk)


@rule("organisation.view")
def _organisation_view(actor, organisation) -> bool:
    return is_operator(actor) or actor.organisation_id == organisation.pk


@rule("organisation.change")
def _organisation_change(actor, organisation) -> bool:
    return is_operator(actor)


@rule("user.unlock")
def _user_unlock(actor, user) -> bool:
    """Lifting a lockout is the operator's (SPEC 1)."""
    return is_operator(actor)


@rule("organisation.request_change")
def _organisation_request_change(actor, organisation) -> bool:
    """Only the operator edits organisation data; an administrator asks it to (SPEC 2)."""
    return _administers(actor, organisation.pk)


@rule("audit.view_organisation")
def _audit_view(actor, organisation) -> bool:
    return is_operator(actor) or _administers(actor, organisation.pk)


@rule("eherkenning.brokers")
def _eherkenning_brokers(actor, obj) -> bool:
    return is_operator(actor)


@rule("eherkenning.renew_code")
def _eherkenning_renew_code(actor, registration) -> bool:
    """A new verification code: the operator always; an administrator for the registrations of
    its own organisation whose code it hands out (not an appointed administrator's)."""
    return is_operator(actor) or (
        registration.code_via == "administrator"
        and _administers(actor, registration.user.organisation_id)
    )


@rule("audit.view_all")
def _audit_view_all(actor, obj) -> bool:
    return is_operator(actor)


@rule("product.use")
def _product_use(actor, product) -> bool:
    return _has_grant(actor, product, Role.GEBRUIKER)


@rule("product.configure")
def _product_configure(actor, product) -> bool:
    return _has_grant(actor, product, Role.PRODUCTBEHEERDER)


def _has_grant(actor, product, role) -> bool:
    org = actor.organisation
    if not agreements_complete(org) or not org.products.filter(pk=product.pk).exists():
        return False
    return actor.role_grants.filter(product=product, role=role, active=True).exists()


# --- scoped querysets ------------------------------------------------------------------------


def users_visible_to(actor) -> QuerySet:
    """The users an actor may see in user management: its own organisation, or all (operator)."""
    from knooppunt.accounts.models import User

    if not can(actor, "usermanagement.access"):
        return User.objects.none()
    if is_operator(actor):
        return User.objects.all()
    return User.objects.filter(organisation_id=actor.organisation_id)


def get_user_for(actor, action: str, pk) -> object:
    """Fetch a user for `action`, or 404 when it does not exist or is not the actor's to touch."""
    from knooppunt.accounts.models import User

    try:
        user = users_visible_to(actor).select_related("organisation").get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    require(actor, action, user)
    return user
