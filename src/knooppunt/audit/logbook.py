"""The "Logboek" (SPEC 8): which events an actor may read, filtered as asked, and the one
state change the page makes, exporting (itself audited)."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils import timezone

from knooppunt.access import rules
from knooppunt.core.doors import service

from .models import AuditEvent
from .services import record


def parse_id(raw: str) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) <= 18 else None


def scope(actor, raw_organisation: str) -> tuple[int | None, bool]:
    """(organisation id, operator?) of the trail this actor asks for. Another organisation's
    id, or one that is not a number, is a 404."""
    raw = (raw_organisation or "").strip()
    if rules.can(actor, "audit.view_all"):
        if not raw:
            return None, True
        organisation_id = parse_id(raw)
        if organisation_id is None:
            raise Http404
        return organisation_id, True
    if raw and raw != str(actor.organisation_id):
        raise Http404
    rules.require(actor, "audit.view_organisation", actor.organisation)
    return actor.organisation_id, False


def events(organisation_id: int | None, form) -> object:
    qs = AuditEvent.objects.all()
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    if form.is_valid():
        start, end = form.period()
        # A range on the timestamp itself (its index), from local midnight to local midnight.
        if start:
            qs = qs.filter(timestamp__gte=_midnight(start))
        if end:
            qs = qs.filter(timestamp__lt=_midnight(end + datetime.timedelta(days=1)))
        if form.cleaned_data["actie"]:
            qs = qs.filter(action=form.cleaned_data["actie"])
        name = (form.cleaned_data["gebruiker"] or "").strip()
        if name:
            qs = qs.filter(actor_username__iexact=name) | qs.filter(object_repr__iexact=name)
    return qs.order_by("-id")


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@service(rule=("audit.view_all", "audit.view_organisation"), audit=("audit.export",))
def record_export(actor, organisation_id: int | None, filters: dict, *, request=None) -> None:
    """Exporting the trail is itself an event of that organisation's trail."""
    if organisation_id is None:
        rules.require(actor, "audit.view_all")
    else:
        rules.require(actor, "audit.view_organisation", _Organisation(organisation_id))
    record(
        "audit.export",
        actor=actor,
        request=request,
        organisation=organisation_id if organisation_id is not None else actor.organisation_id,
        details=filters,
    )


class _Organisation:
    """The organisation as the rule reads it (its id), without loading it."""

    def __init__(self, pk: int):
        self.pk = pk
