"""Read-only questions about users, scoped by the authorisation module."""

from django.db.models import QuerySet

from knooppunt.access import rules
from knooppunt.access.principals import Actor

from .models import User


def users_visible_to(actor: Actor) -> QuerySet[User]:
    """The users an actor may see in user management: its own organisation, or all (operator)."""
    return User.objects.filter(rules.organisation_scope(actor, "usermanagement.access"))


def get_user_for(actor: Actor, action: str, pk) -> User:
    """Fetch a user for `action`, or 404 when it does not exist or is not the actor's to touch."""
    try:
        user = users_visible_to(actor).select_related("organisation").get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise rules.AccessRefused(action, pk) from None
    rules.require(actor, action, user)
    return user
