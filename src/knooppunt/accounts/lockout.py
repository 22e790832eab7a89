"""Lockout after failed logins, on django-axes (SPEC 5.1, "Failed logins are throttled and locked
out").

Axes counts failures per login name and per address. A login name is locked after
AXES_FAILURE_LIMIT failures in a row (whether or not an account has that name, so the lockout
tells an attacker nothing); an address only after KNOOPPUNT_LOCKOUT_IP_FAILURES, because a whole
municipality may sit behind one address and a few colleagues' typos must not lock it out.
"""

from functools import cache

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from knooppunt.core import sql

from .usernames import normalise_login_name


def normalised_username(request, credentials) -> str:
    """The lockout counts per login name in the one normal form of the lookup
    (usernames.normalise_login_name): 'PTest', 'ptest' and 'pteſt' share five tries."""
    if credentials is not None:
        raw = credentials.get("username")
    else:
        raw = getattr(request, "POST", {}).get("username")
    return normalise_login_name(raw)


class LoginAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler with its own limit per lockout parameter (AXES_LOCKOUT_PARAMETERS
    is ["username", "ip_address"]).

    Axes compares one number with AXES_FAILURE_LIMIT; this handler reports the login name's
    failures as they are, and an address's failures as "at the limit" only once that address has
    reached its own, higher limit.
    """

    def get_failures(self, request, credentials=None) -> int:
        # One query for both counters (axes would run one per parameter), in plain SQL: it runs
        # at every password check (core.sql).
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        since = connection.ops.adapt_datetimefield_value(get_cool_off_threshold(request))
        same_address = [] if address is None else [address]
        params = [username, *same_address, username, *same_address, since]
        with connection.cursor() as cursor:
            cursor.execute(_failures_sql(address is None), params)
            by_name, by_address = cursor.fetchone()
        address_locked = (by_address or 0) >= settings.KNOOPPUNT_LOCKOUT_IP_FAILURES
        return max(by_name or 0, settings.AXES_FAILURE_LIMIT if address_locked else 0)

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        """Axes deletes every expired row of every login name at each login and failure; the
        counts above ignore expired rows anyway, so the daily housekeeping removes them instead
        (one query less per login)."""
        return 0

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A complete login resets its login name's count ("5 in a row"), not its address's:
        otherwise an attacker could clear an address's count with a login of their own."""
        username = get_client_username(request, credentials)
        # One DELETE; the ORM would select the rows first for axes' post_delete handler, which
        # does nothing for the database handler. (With AXES_USE_ATTEMPT_EXPIRATION, not set
        # here, other rows would refer to these and the ORM's delete would be needed.)
        table, name = sql.table(AccessAttempt), sql.column(AccessAttempt, "username")
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE {name} = %s", [username])  # noqa: S608
            return cursor.rowcount


@cache
def _failures_sql(without_address: bool) -> str:
    """Failures of the login name and of the address since the cool-off threshold. Parameters:
    name, [address,] name, [address,] since. An unknown address (None) matches the rows without
    one, as the ORM's `ip_address=None` would."""
    table, failures = sql.table(AccessAttempt), sql.column(AccessAttempt, "failures_since_start")
    name, address = sql.column(AccessAttempt, "username"), sql.column(AccessAttempt, "ip_address")
    at = sql.column(AccessAttempt, "attempt_time")
    same_address = f"{address} IS NULL" if without_address else f"{address} = %s"
    return (
        f"SELECT SUM(CASE WHEN {name} = %s THEN {failures} END), "  # noqa: S608
        f"SUM(CASE WHEN {same_address} THEN {failures} END) "
        f"FROM {table} WHERE ({name} = %s OR {same_address}) AND {at} >= %s"
    )


def locked_message() -> str:
    """One text for every login name, known or not (the lockout must not reveal accounts)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Er is te vaak een onjuist wachtwoord ingevuld. Om uw account te beschermen kunt u "
        "%(minutes)d minuten niet inloggen. Probeer het daarna opnieuw, of neem contact op met "
        "uw beheerder."
    ) % {"minutes": minutes}


def lockout_response(request, original_response, credentials):
    """The login view answers a lockout itself (the same page for every login name)."""
    return original_response


def lock_just_started(request) -> bool:
    """After a refused authenticate(): did this very failure start the lockout?

    Axes sets `axes_failures_since_start` only when it counted the failure; a login name that was
    locked already is refused without counting (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off).
    """
    return getattr(request, "axes_failures_since_start", None) is not None


def locked_usernames(usernames) -> set[str]:
    """Which of these login names have a running lockout (for the operator console)."""
    names = [normalise_login_name(name) for name in usernames]
    if not names:
        return set()
    rows = (
        AccessAttempt.objects.filter(
            username__in=names, attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
        )
        .values("username")
        .annotate(n=Sum("failures_since_start"))
    )
    return {row["username"] for row in rows if row["n"] >= settings.AXES_FAILURE_LIMIT}


def reset(username: str) -> int:
    """Forget the failures of a login name (the operator's unlock)."""
    return AxesProxyHandler.reset_attempts(username=normalise_login_name(username))


def forget_expired_failures(now) -> int:
    """Remove failures older than the cool-off (daily housekeeping)."""
    deleted, _per_model = AccessAttempt.objects.filter(
        attempt_time__lt=now - settings.AXES_COOLOFF_TIME
    ).delete()
    return deleted
