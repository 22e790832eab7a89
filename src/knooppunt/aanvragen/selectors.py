"""The lists of Wlz-aanvragen: the submitting organisation's (search by client name, BSN or
number; filter by status; sort by deadline) and the operator's work queue. Both are scoped
through the authorisation module."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from knooppunt.access import rules
from knooppunt.access.principals import Actor

from . import clients, termijnen
from .models import Aanvraag, Status

SORTS = {
    # key: (ordering, label)
    "termijn": (F("termijn_tot").asc(nulls_last=True), "-id"),
    "-termijn": (F("termijn_tot").desc(nulls_last=True), "-id"),
    "nummer": ("id",),
    "-nummer": ("-id",),
    "nieuwste": ("-created_at", "-id"),
}
DEFAULT_SORT = "nieuwste"


@dataclass(frozen=True)
class Query:
    zoeken: str = ""
    status: str = ""
    sorteer: str = DEFAULT_SORT
    te_laat: bool = False

    @classmethod
    def from_params(cls, params) -> Query:
        status = (params.get("status") or "").strip()
        sorteer = (params.get("sorteer") or "").strip()
        return cls(
            zoeken=(params.get("zoeken") or "").strip()[:100],
            status=status if status in Status.values else "",
            sorteer=sorteer if sorteer in SORTS else DEFAULT_SORT,
            te_laat=(params.get("te_laat") or "") == "1",
        )


def search_q(zoeken: str) -> Q:
    """Client name (voorletters, tussenvoegsel, achternaam, or all of them), BSN (by its keyed
    hash, so only a whole BSN finds it) or the application's number."""
    text = zoeken.strip()
    if not text:
        return Q()
    digits = re.sub(r"[\s.]", "", text)
    condition = Q()
    if digits.isdigit():
        if clients.is_bsn(digits):
            condition |= Q(bsn_hash=clients.bsn_hash(clients.normalise_bsn(digits)))
        if len(digits) <= 12:
            condition |= Q(pk=int(digits))
        return condition if condition else Q(pk__in=[])
    for word in text.split():
        condition &= (
            Q(achternaam__icontains=word)
            | Q(voorletters__icontains=word)
            | Q(tussenvoegsel__icontains=word)
        )
    return condition


def organisation_list(actor: Actor, query: Query) -> QuerySet[Aanvraag]:
    """The actor's own organisation's applications."""
    rows = Aanvraag.objects.filter(
        rules.organisation_scope(actor, "aanvragen.use", "organisation_id")
    )
    return _filtered(rows, query)


def _filtered(rows: QuerySet[Aanvraag], query: Query, now: datetime.datetime | None = None):
    rows = rows.filter(search_q(query.zoeken))
    if query.status:
        rows = rows.filter(status=query.status)
    if query.te_laat:
        rows = rows.filter(termijnen.late_q(now or timezone.now()))
    return rows.order_by(*SORTS[query.sorteer])


def work_queue(actor: Actor) -> QuerySet[Aanvraag]:
    """Every submitted application (never a concept), for the operator's console."""
    if not rules.can(actor, "aanvragen.handle"):
        return Aanvraag.objects.none()
    return Aanvraag.objects.exclude(status=Status.CONCEPT).select_related("organisation")


def counts(actor: Actor) -> dict[str, int]:
    """For the dashboard tile: the organisation's concepts, suspended and late applications."""
    rows = Aanvraag.objects.filter(
        rules.organisation_scope(actor, "aanvragen.use", "organisation_id")
    )
    return rows.aggregate(
        concepten=Count("pk", filter=Q(status=Status.CONCEPT)),
        opgeschort=Count("pk", filter=Q(status=Status.OPGESCHORT)),
        te_laat=Count("pk", filter=termijnen.late_q(timezone.now())),
    )


def queue_counts(actor: Actor) -> dict[str, int]:
    """For the operator's tile: submitted and not yet received, suspended, late."""
    return work_queue(actor).aggregate(
        nieuw=Count("pk", filter=Q(status=Status.INGEDIEND)),
        opgeschort=Count("pk", filter=Q(status=Status.OPGESCHORT)),
        te_laat=Count("pk", filter=termijnen.late_q(timezone.now())),
    )
