"""The states the dashboard counts and the "Gebruikers" list filters on ("Status"), as
conditions on the user. Each is one URL value, so a count on "Welkom" links to its list."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from knooppunt.accounts.models import PasswordLink, PasswordLinkPurpose, Status, User


def _usable_invitation():
    return PasswordLink.objects.filter(
        user=OuterRef("pk"),
        purpose=PasswordLinkPurpose.INVITATION,
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
    )


@dataclass(frozen=True)
class StatusFilter:
    value: str  # in the URL: ?status=...
    label: Promise
    # Shown on the dashboard (the states that ask for the administrator's attention).
    on_dashboard: bool = True

    def condition(self) -> Q:
        """A condition on User (evaluated now: invitation links expire)."""
        if self.value == "wacht-op-goedkeuring":
            return Q(
                self_registered=True,
                approved_at__isnull=True,
                status__in=[Status.PENDING, Status.ACTIVE],
            )
        if self.value == "uitgenodigd":
            return Q(status=Status.INVITED) & Q(Exists(_usable_invitation()))
        if self.value == "uitnodiging-verlopen":
            return Q(status=Status.INVITED) & ~Q(Exists(_usable_invitation()))
        return Q(status=_STATUS_OF[self.value])


_STATUS_OF = {
    "actief": Status.ACTIVE,
    "gedeactiveerd": Status.DEACTIVATED,
    "verlopen": Status.EXPIRED,
    "verwijderd": Status.DELETED,
}

FILTERS = [
    StatusFilter("wacht-op-goedkeuring", _("wachten op goedkeuring")),
    StatusFilter("uitgenodigd", _("uitgenodigd")),
    StatusFilter("uitnodiging-verlopen", _("uitnodiging verlopen")),
    StatusFilter("gedeactiveerd", _("gedeactiveerd")),
    StatusFilter("verlopen", _("verlopen accounts")),
    StatusFilter("actief", _("actief"), on_dashboard=False),
    StatusFilter("verwijderd", _("verwijderd"), on_dashboard=False),
]
BY_VALUE = {f.value: f for f in FILTERS}


def counts(organisation_id: int) -> list[dict]:
    """The dashboard's counts for one organisation: one query with a count per state."""
    from django.db.models import Count

    users = User.objects.filter(organisation_id=organisation_id)
    shown = [f for f in FILTERS if f.on_dashboard]
    totals = users.aggregate(
        **{f.value.replace("-", "_"): Count("pk", filter=f.condition()) for f in shown}
    )
    return [{"filter": f, "count": totals[f.value.replace("-", "_")]} for f in shown]


def deactivated_with_end_date(organisation_id: int, limit: int = 5):
    """Deactivated users who come back by themselves, soonest first."""
    return (
        User.objects.filter(
            organisation_id=organisation_id,
            status=Status.DEACTIVATED,
            deactivated_until__isnull=False,
        )
        .order_by("deactivated_until", "pk")
        .only("pk", "username", "voorletters", "tussenvoegsel", "achternaam", "deactivated_until")[
            :limit
        ]
    )


def expired_invitations(organisation_id: int, limit: int = 10):
    """Invited users whose link expired: the dashboard offers to send the invitation again."""
    return (
        User.objects.filter(organisation_id=organisation_id)
        .filter(BY_VALUE["uitnodiging-verlopen"].condition())
        .order_by("created_at", "pk")
        .only("pk", "username", "voorletters", "tussenvoegsel", "achternaam", "email")[:limit]
    )


def invitation_expired(user) -> bool:
    return (
        user.status == Status.INVITED
        and not User.objects.filter(pk=user.pk).filter(Exists(_usable_invitation())).exists()
    )
