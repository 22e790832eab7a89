"""Background jobs on django-q2 with its database broker (docs/decisions.md): a job enqueued
inside a transaction is a row of that transaction, so it exists exactly when the change does,
and a worker only sees it after the commit.

`enqueue("knooppunt.app.tasks.function", arg, ...)` is the only way the code starts a job.
Arguments are plain values (ids, strings): a job reads what it needs from the database.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def enqueue(func: str, *args: Any, name: str | None = None) -> str:
    """Queue `func` (a dotted path) for a worker; returns the job's id."""
    from django_q.tasks import async_task

    options: dict[str, Any] = {}
    if name:
        options["task_name"] = name
    return async_task(func, *args, q_options=options)


def run_queued(limit: int = 1000) -> int:
    """Run what is queued, here and now, the way a worker does; for the tests and for
    `knooppunt worker --once`. A job that fails stays queued with a lease, as in a worker, and
    is tried again after it. Returns the number of jobs that ran to completion."""
    import datetime

    from django.conf import settings
    from django.utils import timezone
    from django_q.models import OrmQ
    from django_q.signing import SignedPackage

    done = 0
    for _round in range(limit):
        now = timezone.now()
        job = OrmQ.objects.filter(lock__lte=now).order_by("id").first()
        if job is None:
            break
        lease = now + datetime.timedelta(seconds=settings.Q_CLUSTER["retry"])
        if not OrmQ.objects.filter(pk=job.pk, lock=job.lock).update(lock=lease):
            continue  # a worker took it
        task = SignedPackage.loads(job.payload)
        func = task["func"]
        if isinstance(func, str):
            func = import_string(func)
        try:
            func(*task["args"], **task["kwargs"])
        except Exception:
            logger.exception("Job %s failed", task.get("name"))
            continue
        OrmQ.objects.filter(pk=job.pk).delete()
        done += 1
    return done
