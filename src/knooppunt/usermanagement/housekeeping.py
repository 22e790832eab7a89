"""The user-management jobs of `knooppunt housekeeping` (run daily, e.g. from cron)."""

import datetime

from django.utils import timezone

from . import search, services


def purge_deleted_users(now: datetime.datetime | None = None) -> int:
    """Remove tombstones of users deleted longer than KNOOPPUNT_DELETED_RETENTION ago."""
    return services.purge_deleted(now or timezone.now())


def reactivate_due_users(today: datetime.date | None = None) -> int:
    """Reactivate users whose temporary deactivation ended."""
    return services.reactivate_due(today or timezone.localdate())


def index_missing_users() -> int:
    """Index users written past the ORM's signals (raw SQL, bulk inserts)."""
    return search.rebuild_missing()


JOBS = [
    ("reactivated users", reactivate_due_users),
    ("purged deleted users", purge_deleted_users),
    ("indexed users", index_missing_users),
]
