"""Lockout after failed logins, on django-axes (SPEC 5.1, "Failed logins are throttled and locked
out").

Axes counts failures per login name and per address. A login name is locked after
AXES_FAILURE_LIMIT failures in a row (whether or not an account has that name, so the lockout
tells an attacker nothing); an address only after KNOOPPUNT_LOCKOUT_IP_FAILURES, because a whole
municipality may sit behind one address and a few colleagues' typos must not lock it out.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _


def normalised_username(request, credentials) -> str:
    """Login names are case-insensitive (UserManager.get_by_natural_key), so are their counters:
    'PTest' and 'ptest' must not get five tries each."""
    if credentials is not None:
        raw = credentials.get("username")
    else:
        raw = getattr(request, "POST", {}).get("username")
    return (raw or "").strip().lower()[:255]


class LoginAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler with its own limit per lockout parameter.

    Axes compares one number with AXES_FAILURE_LIMIT; this handler reports the login name's
    failures as they are, and an address's failures as "at the limit" only once that address has
    reached its own, higher limit.
    """

    def get_failures(self, request, credentials=None) -> int:
        parameters = get_lockout_parameters(request, credentials)
        limit = settings.AXES_FAILURE_LIMIT
        worst = 0
        for parameter, attempts in zip(
            parameters, self.get_user_attempts(request, credentials), strict=True
        ):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if parameter == "ip_address":
                failures = limit if failures >= settings.KNOOPPUNT_LOCKOUT_IP_FAILURES else 0
            worst = max(worst, failures)
        return worst


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
    names = [name.lower() for name in usernames]
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
    return AxesProxyHandler.reset_attempts(username=username.strip().lower())
