"""The rules of the portal's own machinery (access.rules holds the core's rules of people)."""

from knooppunt.access.principals import ActorKind, Principal
from knooppunt.access.rules import rule


@rule("secrets.rotate_keys")
def _rotate_keys(actor: Principal, obj) -> bool:
    # Whoever holds the keys has a shell on the server: the command line only.
    return actor.kind == ActorKind.SYSTEM
