"""The rules of Wlz-aanvragen: the Gebruiker of the product (or its webservice credential)
submits and follows its own organisation's applications; the operator's staff handle them in
the console. Another organisation's application is a 404 (rules.require)."""

from knooppunt.access.principals import ActorKind, Principal
from knooppunt.access.rules import rule, uses_product

from .soorten import PRODUCT


def _submitter(actor: Principal) -> bool:
    """A Gebruiker of Wlz-aanvragen of an organisation that has the product, past the
    agreements gate, or a webservice credential of the product."""
    return actor.kind in (ActorKind.USER, ActorKind.API_CLIENT) and uses_product(actor, PRODUCT)


@rule("aanvragen.use")
def _use(actor: Principal, obj) -> bool:
    """The list and "Nieuwe aanvraag"."""
    return _submitter(actor)


@rule("aanvragen.view")
@rule("aanvragen.change")
def _own(actor: Principal, aanvraag) -> bool:
    """Open, change, submit, supplement or withdraw one of the organisation's own
    applications; which of these its status allows is the workflow's question."""
    return (
        aanvraag is not None
        and _submitter(actor)
        and actor.organisation_id == aanvraag.organisation_id
    )


@rule("aanvragen.handle")
def _handle(actor: Principal, aanvraag) -> bool:
    """The operator's work queue: confirm receipt, assess, suspend and decide. A concept is
    the submitter's alone."""
    return actor.is_operator and (aanvraag is None or aanvraag.status != "concept")


@rule("aanvragen.open")
@rule("aanvragen.download")
def _open(actor: Principal, aanvraag) -> bool:
    """Open an application or download an attachment (NEN 7513 logged): its organisation's
    users, and the operator for submitted ones."""
    return _own(actor, aanvraag) or _handle(actor, aanvraag)


@rule("aanvragen.configure")
@rule("aanvragen.minimise")
def _operator(actor: Principal, obj) -> bool:
    """The checklist and the attachment kinds; the retention purge (housekeeping)."""
    return actor.is_operator
