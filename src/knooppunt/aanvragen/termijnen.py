"""The CIZ's deadlines for an application: receipt confirmed within 3 werkdagen, the decision
within 6 weeks (2 weeks when spoed) of submission, the clock paused while suspended."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from knooppunt.core import werkdagen

from .models import CLOCK_RUNS, Aanvraag, Status

BESLISTERMIJN = datetime.timedelta(weeks=6)
BESLISTERMIJN_SPOED = datetime.timedelta(weeks=2)
ONTVANGST_WERKDAGEN = 3


def plus_werkdagen(moment: datetime.datetime, days: int) -> datetime.datetime:
    """The end (23:59:59 local time) of the `days`-th werkdag after `moment`'s day."""
    day = werkdagen.add_werkdagen(timezone.localtime(moment).date(), days)
    end = datetime.datetime.combine(day, datetime.time(23, 59, 59))
    return timezone.make_aware(end)


def beslistermijn(spoed: bool) -> datetime.timedelta:
    return BESLISTERMIJN_SPOED if spoed else BESLISTERMIJN


def effective_deadline(aanvraag: Aanvraag, now: datetime.datetime | None = None):
    """The decision deadline as it stands now: while suspended it moves on with the clock."""
    if aanvraag.termijn_tot is None:
        return None
    if aanvraag.opgeschort_sinds is not None:
        now = now or timezone.now()
        return aanvraag.termijn_tot + max(now - aanvraag.opgeschort_sinds, datetime.timedelta())
    return aanvraag.termijn_tot


@dataclass(frozen=True)
class Termijn:
    deadline: datetime.datetime | None
    paused: bool
    late: bool  # the decision deadline has passed while the application is open
    receipt_late: bool  # submitted, and receipt not confirmed within 3 werkdagen
    days_left: int | None  # whole days until the deadline; negative when late
    decided_late: bool  # decided (or withdrawn) after the deadline


def termijn(aanvraag: Aanvraag, now: datetime.datetime | None = None) -> Termijn:
    now = now or timezone.now()
    deadline = effective_deadline(aanvraag, now)
    paused = aanvraag.status == Status.OPGESCHORT
    runs = aanvraag.status in CLOCK_RUNS
    late = bool(runs and deadline is not None and deadline < now)
    receipt_late = bool(
        aanvraag.status == Status.INGEDIEND
        and aanvraag.ontvangst_uiterlijk is not None
        and aanvraag.ontvangst_uiterlijk < now
    )
    days_left = None
    if deadline is not None and aanvraag.status in (*CLOCK_RUNS, Status.OPGESCHORT):
        days_left = (timezone.localtime(deadline).date() - timezone.localtime(now).date()).days
    decided_late = bool(
        aanvraag.status == Status.BESLUIT
        and aanvraag.besloten_at is not None
        and deadline is not None
        and aanvraag.besloten_at > deadline
    )
    return Termijn(deadline, paused, late, receipt_late, days_left, decided_late)


def late_q(now: datetime.datetime | None = None) -> Q:
    """The applications whose decision deadline has passed while the clock runs, or whose
    receipt is overdue: what the 'te laat' flag and filter mean in SQL."""
    now = now or timezone.now()
    return decision_late_q(now) | receipt_late_q(now)


def decision_late_q(now: datetime.datetime) -> Q:
    return Q(status__in=CLOCK_RUNS, termijn_tot__lt=now)


def receipt_late_q(now: datetime.datetime) -> Q:
    return Q(status=Status.INGEDIEND, ontvangst_uiterlijk__lt=now)
