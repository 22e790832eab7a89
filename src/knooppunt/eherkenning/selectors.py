"""Read-only questions about eHerkenning registrations, scoped by the authorisation module."""

from django.db.models import QuerySet

from knooppunt.accounts.models import Status, User
from knooppunt.accounts.selectors import users_visible_to


def awaiting_approval(actor) -> QuerySet[User]:
    """The dashboard's "Gebruikersbeheer" tab: self-registered users of the actor's own
    organisation that its administrator has not yet approved (SPEC 3, BIDN 3.1)."""
    return (
        users_visible_to(actor)
        .filter(
            organisation_id=actor.organisation_id,
            self_registered=True,
            approved_at__isnull=True,
            status__in=[Status.PENDING, Status.ACTIVE],
        )
        .order_by("created_at", "pk")
    )
