"""Who may do what with the Wlz register (loaded by the authorisation module)."""

from knooppunt.access.principals import ActorKind, Principal
from knooppunt.access.rules import rule, uses_product

PRODUCT = "wlz-registertoets"


@rule("registertoets.raadplegen")
def _raadplegen(actor: Principal, obj) -> bool:
    """BIDN 3.2.1: the Gebruiker of Wlz-Registertoets queries; a Productbeheerder without that
    role does not (BIDN 3.2.2). A webservice credential of the product queries too."""
    return uses_product(actor, PRODUCT)


@rule("registertoets.bulk")
def _bulk(actor: Principal, obj) -> bool:
    """A file of BSNs: a Gebruiker in the portal (the webservice asks one at a time)."""
    return actor.kind == ActorKind.USER and uses_product(actor, PRODUCT)


@rule("registertoets.bulk_result")
def _bulk_result(actor: Principal, bulk) -> bool:
    """A bulk check's progress and result: only the Gebruiker who uploaded it."""
    return (
        _bulk(actor, None)
        and bulk is not None
        and bulk.created_by_id == actor.id
        and bulk.organisation_id == actor.organisation_id
    )


@rule("registertoets.overzicht")
def _overzicht(actor: Principal, organisation) -> bool:
    """The administrator's counts of its own users' lookups (no BSNs), or the operator's."""
    if actor.is_operator:
        return True
    return (
        actor.kind == ActorKind.USER
        and actor.is_administrator
        and actor.agreements_complete
        and organisation is not None
        and organisation.pk == actor.organisation_id
    )


@rule("registertoets.import")
@rule("registertoets.inzage")
@rule("registertoets.generate")
@rule("registertoets.purge")
def _operator(actor: Principal, obj) -> bool:
    """Keeping the register, answering "who looked up this BSN" and the daily purges are the
    operator's (or the server's own command line and housekeeping)."""
    return actor.is_operator
