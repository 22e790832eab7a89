"""Background jobs of berichtenverkeer (knooppunt.jobs.queue): the notification of new messages
after an upload, and the round that sends what waited for an address's quiet period."""

from __future__ import annotations

import datetime

from django.utils import timezone

from knooppunt.access.principals import system

JOBS = system("jobs")


def notify(organisation_id: int, product: str) -> int:
    from .services import notify as notify_service

    return notify_service(JOBS, organisation_id, product)


def notify_pending() -> int:
    """Every few minutes: the receivers with offered messages of the last day (those an address's
    quiet period held back)."""
    from .models import Message, Status
    from .services import notify as notify_service

    since = timezone.now() - datetime.timedelta(days=1)
    pairs = (
        Message.objects.filter(status=Status.AANGEBODEN, created_at__gte=since)
        .values_list("receiver_id", "product")
        .distinct()
    )
    return sum(notify_service(JOBS, organisation_id, product) for organisation_id, product in pairs)
