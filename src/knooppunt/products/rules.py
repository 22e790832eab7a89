"""The rules of product settings (BIDN 3.2.2): a Productbeheerder of the product in its own
organisation, and the operator. A Gebruiker of the product or an administrator without the role
does not see the tab (SPEC 4.3: the roles are separate)."""

from knooppunt.access.principals import ActorKind, Principal
from knooppunt.access.rules import rule

from .scope import scope_key

PRODUCTBEHEERDER = "productbeheerder"


def _user(actor: Principal) -> bool:
    return actor.kind == ActorKind.USER and actor.agreements_complete


@rule("products.index")
def _index(actor: Principal, obj) -> bool:
    """The menu entry and the list of tabs: the operator, or a Productbeheerder of anything."""
    return actor.is_operator or (
        _user(actor) and any(role == PRODUCTBEHEERDER for _code, role in actor.grants)
    )


@rule("products.configure")
def _configure(actor: Principal, obj) -> bool:
    """Open the tab of one product of one organisation and change what is on it. `obj` is a
    ProductScope, a NotificationAddress or a Credential."""
    if obj is None:
        return False
    organisation_id, code = scope_key(obj)
    if actor.is_operator:
        return True
    return (
        _user(actor)
        and actor.organisation_id == organisation_id
        and actor.holds(code, PRODUCTBEHEERDER)
    )


@rule("products.set_rate_limit")
@rule("products.clear_previous_keys")
def _operator_only(actor: Principal, obj) -> bool:
    """A credential's own rate limit is the operator's decision; the daily job that forgets
    the hashes of keys past their grace period runs as housekeeping."""
    return actor.is_operator
