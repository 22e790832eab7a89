"""Read-only questions of the registertoets screens, scoped through the authorisation module."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from knooppunt.access import rules
from knooppunt.access.principals import Actor, as_principal

from .models import BulkCheck, Raadpleging, Uitkomst


def own_bulk_checks(actor: Actor, limit: int = 20) -> list[BulkCheck]:
    """The actor's own bulk checks, newest first (another user's are never listed)."""
    principal = as_principal(actor)
    if not rules.can(principal, "registertoets.bulk") or principal.organisation_id is None:
        return []
    return list(
        BulkCheck.objects.filter(
            created_by_id=principal.id, organisation_id=principal.organisation_id
        ).order_by("-created_at")[:limit]
    )


def bulk_check(actor: Actor, pk: int) -> BulkCheck:
    """The uploader's own bulk check; anything else is a 404."""
    check = BulkCheck.objects.filter(pk=pk).first()
    rules.require(actor, "registertoets.bulk_result", check)
    assert check is not None
    return check


def counts_per_user_per_month(organisation, *, months: int = 12) -> list[dict]:
    """The lookups of an organisation's users per user per calendar month, newest month first:
    how many, how many answered "Ja", through which channels. No BSN, no reason per lookup."""
    since = (
        timezone.localdate().replace(day=1) - datetime.timedelta(days=31 * (months - 1))
    ).replace(day=1)
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    rows = (
        Raadpleging.objects.filter(organisation_id=organisation.pk, timestamp__gte=start)
        .annotate(maand=TruncMonth("timestamp"))
        .values("maand", "actor_kind", "actor_id", "actor_username")
        .annotate(
            aantal=Count("id"),
            ja=Count("id", filter=Q(uitkomst=Uitkomst.JA)),
            web=Count("id", filter=Q(kanaal="web")),
            bulk=Count("id", filter=Q(kanaal="bulk")),
            webservice=Count("id", filter=Q(kanaal="webservice")),
        )
        .order_by("-maand", "-aantal", "actor_username")
    )
    return [dict(r) for r in rows]
