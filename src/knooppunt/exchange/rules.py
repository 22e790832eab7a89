"""Who may do what with messages (SPEC 4.1, 7.1): only a Gebruiker of iWmo or iJw (or a
webservice credential of that product) of an organisation with the product, and only with the
messages its organisation sent or received in that product. A Productbeheerder without the
Gebruiker role, an administrator without a role and the operator's staff have no inbox."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from knooppunt.access.principals import Actor, ActorKind, Principal, as_principal
from knooppunt.access.rules import NOTHING, rule, uses_product

PRODUCTS = ("iwmo", "ijw")


@dataclass(frozen=True)
class UploadScope:
    organisation_id: int
    product: str


def used_products(actor: Actor) -> list[str]:
    """The message products the actor uses, in catalogue order."""
    principal = as_principal(actor)
    if not principal.is_authenticated or not principal.active:
        return []
    return [code for code in PRODUCTS if uses_product(principal, code)]


def _system(actor: Principal) -> bool:
    return actor.kind == ActorKind.SYSTEM


@rule("exchange.use")
def _use(actor: Principal, product) -> bool:
    """The inbox, outbox, refusals and upload pages: of one product, or of any."""
    if product is None:
        return bool(used_products(actor))
    return product in PRODUCTS and uses_product(actor, product)


@rule("exchange.upload")
def _upload(actor: Principal, scope) -> bool:
    """Offer a file as an organisation in a product: its own Gebruiker (or credential); the
    demo data and the command line as any organisation."""
    if not isinstance(scope, UploadScope) or scope.product not in PRODUCTS:
        return False
    if _system(actor):
        return True
    return actor.organisation_id == scope.organisation_id and uses_product(actor, scope.product)


def _party(actor: Principal, message) -> bool:
    return (
        message is not None
        and actor.organisation_id in (message.sender_id, message.receiver_id)
        and uses_product(actor, message.product)
    )


@rule("exchange.view")
@rule("exchange.download")
def _view(actor: Principal, message) -> bool:
    """A message of the actor's organisation (sent or received) in a product it uses."""
    return _party(actor, message)


@rule("exchange.acknowledge")
def _acknowledge(actor: Principal, message) -> bool:
    """Mark as Opgehaald: the receiver only."""
    return _party(actor, message) and actor.organisation_id == message.receiver_id


@rule("exchange.refusal")
def _refusal(actor: Principal, refusal) -> bool:
    return (
        refusal is not None
        and actor.organisation_id == refusal.organisation_id
        and uses_product(actor, refusal.product)
    )


@rule("exchange.housekeeping")
def _housekeeping(actor: Principal, obj) -> bool:
    """Purges, the orphan sweep, notifications and the late-retour digest: the server's own."""
    return _system(actor)


@rule("exchange.standards")
def _standards(actor: Principal, obj) -> bool:
    return actor.kind == ActorKind.OPERATOR


def inbox_scope(actor: Actor, product: str | None = None) -> Q:
    """Messages the actor's organisation received, in the products it uses."""
    return _scope(actor, "receiver_id", product)


def outbox_scope(actor: Actor, product: str | None = None) -> Q:
    return _scope(actor, "sender_id", product)


def party_scope(actor: Actor) -> Q:
    """Messages the actor's organisation sent or received, in the products it uses."""
    principal = as_principal(actor)
    products = used_products(principal)
    if not products or principal.organisation_id is None:
        return NOTHING
    return Q(product__in=products) & (
        Q(sender_id=principal.organisation_id) | Q(receiver_id=principal.organisation_id)
    )


def _scope(actor: Actor, field: str, product: str | None) -> Q:
    principal = as_principal(actor)
    products = used_products(principal)
    if product is not None:
        products = [p for p in products if p == product]
    if not products or principal.organisation_id is None:
        return NOTHING
    return Q(**{field: principal.organisation_id}) & Q(product__in=products)
