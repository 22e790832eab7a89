"""Who may issue, see and revoke SCIM tokens, and what a token may reach (SPEC 9). The users a
token provisions are reached through the core rules (`user.*`), which treat a SCIM token of an
organisation like its administrator (access.rules._administers)."""

from knooppunt.access.principals import ActorKind, Principal
from knooppunt.access.rules import rule


def _organisation_admin(actor: Principal, organisation_id) -> bool:
    """A gebruikersbeheerder of this organisation in person, past the agreements gate: a token
    never issues or revokes tokens."""
    return (
        actor.kind == ActorKind.USER
        and actor.is_administrator
        and actor.organisation_id == organisation_id
        and actor.agreements_complete
    )


@rule("scim.tokens.view")
def _tokens_view(actor: Principal, obj) -> bool:
    """The "Koppelingen" page: an administrator sees its organisation's tokens, the operator
    all of them."""
    return actor.kind == ActorKind.OPERATOR or _organisation_admin(actor, actor.organisation_id)


@rule("scim.token.issue")
def _token_issue(actor: Principal, organisation) -> bool:
    return not organisation.is_operator and _organisation_admin(actor, organisation.pk)


@rule("scim.token.revoke")
def _token_revoke(actor: Principal, token) -> bool:
    return actor.kind == ActorKind.OPERATOR or _organisation_admin(actor, token.organisation_id)


@rule("scim.provision")
def _provision(actor: Principal, obj) -> bool:
    """The SCIM service itself: a token of an organisation past the agreements gate."""
    return actor.kind == ActorKind.SCIM and actor.agreements_complete


@rule("scim.group.change")
def _group_change(actor: Principal, group) -> bool:
    """A client's own group (not a product role), of the token's organisation."""
    return (
        actor.kind == ActorKind.SCIM
        and actor.agreements_complete
        and actor.organisation_id == group.organisation_id
    )
