"""The user-management jobs of `knooppunt housekeeping` (see knooppunt.core.housekeeping)."""

import datetime

from django.utils import timezone

from knooppunt.core.housekeeping import job

from . import search, services


@job("usermanagement.reactivate", "Gebruikers heractiveren waarvan de einddatum is bereikt")
def reactivate_due_users(now: datetime.datetime | None = None) -> int:
    """Reactivate users whose temporary deactivation ended (roles wait for one click)."""
    today = timezone.localdate(now) if now else timezone.localdate()
    return services.reactivate_due(today)


@job("usermanagement.purge_deleted", "Verwijderde gebruikers na de bewaartermijn opruimen")
def purge_deleted_users(now: datetime.datetime | None = None) -> int:
    """Remove tombstones of users deleted longer than KNOOPPUNT_DELETED_RETENTION ago."""
    return services.purge_deleted(now or timezone.now())


@job("usermanagement.index", "Zoekgegevens aanvullen voor gebruikers zonder zoekregel")
def index_missing_users(now: datetime.datetime | None = None) -> int:
    """Index users written past the ORM's signals (raw SQL, bulk inserts)."""
    return search.rebuild_missing()
