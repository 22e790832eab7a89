"""THE authorisation module: every view, command, service and API asks `can()` or `require()`,
or narrows a query with a scope from here. No other code decides who may do what.

Actions are plain strings; each maps to one predicate `(principal, obj) -> bool`. Anything not
registered is refused, and so is every actor that is not active, unless a rule is registered as
open to anonymous callers (the login page's own steps). The module imports no other app: an
actor arrives as a `Principal`, objects are read by their attributes, and a scope is a `Q` that
the app owning the model applies.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import Http404

from .principals import Actor, ActorKind, Principal, as_principal

Predicate = Callable[[Principal, Any], bool]


@dataclass(frozen=True)
class Rule:
    action: str
    predicate: Predicate
    anonymous: bool = False  # also asked by callers that are not logged in


_RULES: dict[str, Rule] = {}

# How many times `require` ran in the current service call (see core.doors).
checks: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "knooppunt_rule_checks", default=None
)


def rule(action: str, *, anonymous: bool = False) -> Callable[[Predicate], Predicate]:
    """Register a predicate. Apps register the rules of their own objects in `<app>/rules.py`,
    which `AccessConfig.ready()` imports."""

    def register(func: Predicate) -> Predicate:
        if action in _RULES and _RULES[action].predicate is not func:
            raise ValueError(f"Rule {action!r} is registered twice")
        _RULES[action] = Rule(action, func, anonymous)
        return func

    return register


def can(actor: Actor, action: str, obj: Any = None) -> bool:
    """May `actor` perform `action` (on `obj`)? Unknown actions and inactive actors: no."""
    entry = _RULES.get(action)
    if entry is None:
        return False
    principal = as_principal(actor)
    if not entry.anonymous and (not principal.is_authenticated or not principal.active):
        return False
    return bool(entry.predicate(principal, obj))


class AccessRefused(Http404):
    """A refusal by the authorisation module: answered as a 404, so another organisation's ids
    reveal nothing, and audited (rate-limited) by core.middleware.RefusalAuditMiddleware."""

    def __init__(self, action: str, asked: Any = None):
        super().__init__(action)
        self.action = action
        self.asked = "" if asked is None else str(getattr(asked, "pk", asked))[:64]


def require(actor: Actor, action: str, obj: Any = None) -> None:
    """Raise AccessRefused (a 404) when `actor` may not."""
    seen = checks.get()
    if seen is not None:
        seen.append(action)
    if not can(actor, action, obj):
        raise AccessRefused(action, obj)


def registered_actions() -> list[str]:
    return sorted(_RULES)


# --- building blocks -------------------------------------------------------------------------


def is_operator(actor: Actor) -> bool:
    return as_principal(actor).is_operator


def agreements_complete(organisation) -> bool:
    """SPEC 2: nothing but the 'missing agreements' page until all required ones are signed."""
    if organisation.is_operator:
        return True
    return organisation.has_all_agreements()


def _is_user(actor: Principal) -> bool:
    return actor.kind in (ActorKind.USER, ActorKind.OPERATOR)


def _administers(actor: Principal, organisation_id) -> bool:
    """A gebruikersbeheerder of this organisation, past the agreements gate. A SCIM token of
    the organisation provisions its users with the same scope."""
    if actor.organisation_id != organisation_id or not actor.agreements_complete:
        return False
    return (actor.kind == ActorKind.USER and actor.is_administrator) or actor.kind == ActorKind.SCIM


def _code(product) -> str:
    return product if isinstance(product, str) else product.code


# --- scopes ----------------------------------------------------------------------------------

NOTHING = Q(pk__in=[])


def organisation_scope(actor: Actor, action: str, field: str = "organisation_id") -> Q:
    """The rows of an organisation-owned model that `action` lets the actor reach: all for the
    operator, its own organisation's when the rule allows that, else none."""
    principal = as_principal(actor)
    if not can(principal, action):
        return NOTHING
    if principal.is_operator:
        return Q()
    return Q(**{field: principal.organisation_id})


# --- rules -----------------------------------------------------------------------------------


@rule("operator.console")
def _operator_console(actor: Principal, obj) -> bool:
    return actor.kind == ActorKind.OPERATOR


@rule("portal.use")
def _portal_use(actor: Principal, obj) -> bool:
    """Any page of the portal beyond the agreements gate."""
    return _is_user(actor) and actor.agreements_complete


@rule("usermanagement.access")
def _usermanagement(actor: Principal, obj) -> bool:
    return actor.is_operator or _administers(actor, actor.organisation_id)


@rule("user.view")
@rule("user.change")
@rule("user.deactivate")
@rule("user.reactivate")
@rule("user.delete")
@rule("user.approve")
@rule("user.set_administrator")
@rule("user.grant_roles")
@rule("user.resend_invitation")
def _user_manage(actor: Principal, user) -> bool:
    """The state changes of the administrator's screens: the user's own organisation."""
    return actor.is_operator or _administers(actor, user.organisation_id)


@rule("user.create_in")
@rule("user.import_into")
def _user_create_in(actor: Principal, organisation) -> bool:
    return actor.is_operator or _administers(actor, organisation.pk)


@rule("user.list_all")
def _user_list_all(actor: Principal, obj) -> bool:
    """The list of users over all organisations, with the organisation column and filter."""
    return actor.is_operator


@rule("user.export_from")
def _user_export_from(actor: Principal, organisation) -> bool:
    if organisation is None:
        return actor.is_operator
    return actor.is_operator or _administers(actor, organisation.pk)


@rule("user.unlock")
@rule("user.appoint_admin")
@rule("user.expire")
@rule("user.purge")
def _operator_only_user(actor: Principal, user) -> bool:
    """Lifting a lockout, appointing an organisation's administrator (SPEC 1) and the daily
    expiry and purge are the operator's (or the server's own housekeeping)."""
    return actor.is_operator


@rule("organisation.view")
def _organisation_view(actor: Principal, organisation) -> bool:
    return actor.is_operator or (_is_user(actor) and actor.organisation_id == organisation.pk)


@rule("organisation.create")
@rule("organisation.change")
@rule("agreement.register")
def _organisation_change(actor: Principal, organisation) -> bool:
    return actor.is_operator


@rule("organisation.request_change")
def _organisation_request_change(actor: Principal, organisation) -> bool:
    """Only the operator edits organisation data; an administrator asks it to (SPEC 2)."""
    return actor.kind == ActorKind.USER and _administers(actor, organisation.pk)


@rule("audit.view_organisation")
def _audit_view(actor: Principal, organisation) -> bool:
    return actor.is_operator or (
        actor.kind == ActorKind.USER and _administers(actor, organisation.pk)
    )


@rule("audit.view_all")
def _audit_view_all(actor: Principal, obj) -> bool:
    return actor.is_operator


@rule("eherkenning.brokers")
def _eherkenning_brokers(actor: Principal, obj) -> bool:
    return actor.is_operator


@rule("eherkenning.renew_code")
def _eherkenning_renew_code(actor: Principal, registration) -> bool:
    """A new verification code: the operator always; an administrator for the registrations of
    its own organisation whose code it hands out (not an appointed administrator's)."""
    return actor.is_operator or (
        registration.code_via == "administrator"
        and actor.kind == ActorKind.USER
        and _administers(actor, registration.user.organisation_id)
    )


@rule("product.use")
def _product_use(actor: Principal, product) -> bool:
    return uses_product(actor, _code(product))


@rule("product.configure")
def _product_configure(actor: Principal, product) -> bool:
    return actor.is_operator or _has_grant(actor, _code(product), "productbeheerder")


def _has_grant(actor: Principal, code: str, role: str) -> bool:
    """A user's held role; the grants loader only returns roles for products the organisation
    still has (SPEC 4.1), and nothing passes the agreements gate before it is complete."""
    return _is_user(actor) and actor.agreements_complete and actor.holds(code, role)


def uses_product(actor: Principal, code: str) -> bool:
    """The Gebruiker of a product, or a webservice credential of that product (which is
    issued for one organisation and one product and uses nothing else). Product apps build
    their rules on this."""
    if actor.kind == ActorKind.API_CLIENT:
        return actor.product == code and actor.agreements_complete
    return _has_grant(actor, code, "gebruiker")


# --- a user's own account (callers not yet logged in, or acting on themselves) -----------------


@rule("account.login", anonymous=True)
def _account_login(actor: Principal, obj) -> bool:
    """The login steps, 'Wachtwoord aanvragen' and a set-password link: open to everyone; the
    steps themselves check the password, the code or the link."""
    return True


@rule("audit.refusal", anonymous=True)
def _audit_refusal(actor: Principal, obj) -> bool:
    """Anyone's refused request is written to the audit trail (rate-limited)."""
    return True


@rule("account.self")
def _account_self(actor: Principal, user) -> bool:
    """A logged-in user changing its own password, second factor or code channel."""
    return _is_user(actor) and user is not None and actor.id == user.pk
