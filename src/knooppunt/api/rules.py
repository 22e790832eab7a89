"""The rules of the webservice itself. Product apps register the rules of their own endpoints
in their own `rules.py`, on `rules.uses_product(principal, code)`."""

from knooppunt.access.principals import ActorKind, Principal
from knooppunt.access.rules import rule


@rule("webservice.use")
def _use(actor: Principal, obj) -> bool:
    """Endpoints every credential may call, whatever its product (`GET /api/v1/ping`)."""
    return actor.kind == ActorKind.API_CLIENT and actor.agreements_complete


@rule("webservice.record_call")
def _record_call(actor: Principal, obj) -> bool:
    """The audit event of an authenticated call: the credential's own."""
    return actor.kind == ActorKind.API_CLIENT


@rule("webservice.record_refusal", anonymous=True)
def _record_refusal(actor: Principal, obj) -> bool:
    """A refused key is nobody yet: the refusal is recorded for whoever sent it."""
    return True
