"""The jobs the workers run on a schedule. `knooppunt worker` writes them at start, so every
installation has the same; several workers share them (django-q2 picks each run once)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Scheduled:
    name: str
    func: str
    minutes: int | None = None  # every N minutes, or
    daily_at: datetime.time | None = None  # once a day at this local time


SCHEDULES = [
    # The daily housekeeping of SPEC 9 (the same jobs as `knooppunt housekeeping` by cron).
    Scheduled("housekeeping", "knooppunt.core.housekeeping.run", daily_at=datetime.time(3, 15)),
    # Chain events whose own sealing step did not get to them (audit.services.seal_pending).
    Scheduled("audit.seal", "knooppunt.audit.services.seal_pending", minutes=1),
    # Mails whose jobs ran out while the mail server was down get a new job.
    Scheduled("mail.requeue", "knooppunt.jobs.mail.requeue_stalled", minutes=10),
    # New messages whose notification waited for an address's quiet period (exchange.tasks).
    Scheduled("exchange.notify", "knooppunt.exchange.tasks.notify_pending", minutes=5),
]


def _next_daily(at: datetime.time, now: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(now)
    candidate = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > local else candidate + datetime.timedelta(days=1)


def ensure_schedules(now: datetime.datetime | None = None) -> list[str]:
    """Create the schedules that are missing and correct those that differ."""
    from django_q.models import Schedule

    now = now or timezone.now()
    written = []
    for item in SCHEDULES:
        if item.daily_at is not None:
            wanted = {"schedule_type": Schedule.DAILY, "minutes": None}
            first_run = _next_daily(item.daily_at, now)
        else:
            wanted = {"schedule_type": Schedule.MINUTES, "minutes": item.minutes}
            first_run = now
        existing = Schedule.objects.filter(name=item.name).first()
        if existing is None:
            Schedule.objects.create(
                name=item.name, func=item.func, repeats=-1, next_run=first_run, **wanted
            )
            written.append(item.name)
        elif existing.func != item.func or any(
            getattr(existing, k) != v for k, v in wanted.items()
        ):
            Schedule.objects.filter(pk=existing.pk).update(
                func=item.func, repeats=-1, next_run=first_run, **wanted
            )
            written.append(item.name)
    return written
