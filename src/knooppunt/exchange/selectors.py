"""The lists of berichtenverkeer, scoped through the authorisation module: "Ontvangen berichten",
"Verzonden berichten" and "Afgekeurd", with search, sort and paging."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import cast

from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property

from knooppunt.access import rules
from knooppunt.organisations.models import Organisation

from . import rules as exchange_rules
from .forms import SORTS
from .models import Message, Refusal

PAGE_SIZE = 25
# The lists count up to this many messages, then say "meer dan": counting a receiver's 50,000
# messages took PostgreSQL 15 ms of a page that must answer within 25 (the Gebruikers list
# does the same). Older messages are found by Periode or another filter.
COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A paginator whose count stops at COUNT_CAP: one COUNT over at most COUNT_CAP + 1 rows."""

    @cached_property
    def _counted(self) -> int:
        messages = cast(QuerySet, self.object_list)
        # Without the list's ordering: a sort by Afzender would join and sort every match first.
        return messages.order_by()[: COUNT_CAP + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self._counted > COUNT_CAP


@dataclass
class Listing:
    page: Page
    sort: str


def _counterparty_ids(text: str) -> QuerySet:
    text = text.strip()
    match = Q(naam__icontains=text) | Q(weergavenaam__icontains=text)
    if text.isdigit():
        match |= Q(gemeentecode=text) | Q(agb_code=text)
    return Organisation.objects.filter(match).values("pk")


def messages(actor, *, outbox: bool, filters: dict, page: str | None = None) -> Listing:
    scope = exchange_rules.outbox_scope(actor) if outbox else exchange_rules.inbox_scope(actor)
    queryset = Message.objects.filter(scope)
    if filters.get("product"):
        queryset = queryset.filter(product=filters["product"])
    if filters.get("identificatie"):
        queryset = queryset.filter(identificatie=filters["identificatie"].strip())
    if filters.get("type"):
        queryset = queryset.filter(message_type=filters["type"])
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    counterparty = "receiver" if outbox else "sender"
    if filters.get("tegenpartij"):
        queryset = queryset.filter(
            **{f"{counterparty}_id__in": _counterparty_ids(filters["tegenpartij"])}
        )
    tz = timezone.get_current_timezone()
    if filters.get("van"):
        start = datetime.datetime.combine(filters["van"], datetime.time.min, tz)
        queryset = queryset.filter(created_at__gte=start)
    if filters.get("tot"):
        end = datetime.datetime.combine(
            filters["tot"] + datetime.timedelta(days=1), datetime.time.min, tz
        )
        queryset = queryset.filter(created_at__lt=end)
    if outbox and filters.get("laat"):
        queryset = queryset.filter(retour_due_on__lt=timezone.localdate(), answered_at__isnull=True)
    sort = filters.get("sorteer") or "-datum"
    key = sort.lstrip("-")
    column = SORTS[key]
    if column == "counterparty":
        column = f"{counterparty}__naam"
    descending = sort.startswith("-")
    order = F(column).desc() if descending else F(column).asc()
    tie = "-id" if descending else "id"
    queryset = queryset.select_related(counterparty).order_by(order, tie)
    paginator = CappedPaginator(queryset, PAGE_SIZE)
    return Listing(paginator.get_page(page), sort)


def message_or_404(actor, pk: int, action: str = "exchange.view") -> Message:
    """One message of the actor's organisation in a product it uses, or a 404."""
    message = (
        Message.objects.filter(exchange_rules.party_scope(actor), pk=pk)
        .select_related("sender", "receiver", "heen")
        .first()
    )
    if message is None:
        raise Http404
    rules.require(actor, action, message)
    return message


def related(message: Message) -> list[Message]:
    """Gerelateerde berichten: the heen-bericht of a retour, the retours of a heen-bericht."""
    found = []
    if message.heen_id:
        found.append(message.heen)
    found.extend(message.retouren.select_related("sender", "receiver").order_by("created_at", "id"))
    return [m for m in found if m is not None]


def refusals(actor, page: str | None = None) -> Page:
    products = exchange_rules.used_products(actor)
    queryset = Refusal.objects.filter(
        organisation_id=actor.organisation_id, product__in=products
    ).order_by("-created_at", "-id")
    return Paginator(queryset, PAGE_SIZE).get_page(page)


def refusal_or_404(actor, pk: int) -> Refusal:
    refusal = Refusal.objects.filter(
        pk=pk,
        organisation_id=actor.organisation_id,
        product__in=exchange_rules.used_products(actor),
    ).first()
    if refusal is None:
        raise Http404
    rules.require(actor, "exchange.refusal", refusal)
    return refusal
