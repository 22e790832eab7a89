"""Daily jobs of the accounts app (see knooppunt.core.housekeeping)."""

from django.contrib.sessions.models import Session

from knooppunt.core.housekeeping import job

from .lockout import forget_expired_failures
from .services import expire_inactive_users


@job("accounts.expire_inactive", "Accounts zonder login in 6 maanden laten verlopen")
def expire_inactive(now) -> int:
    return expire_inactive_users(now)


@job("accounts.clear_sessions", "Verlopen sessies opruimen")
def clear_sessions(now) -> int:
    deleted, _per_model = Session.objects.filter(expire_date__lt=now).delete()
    return deleted


@job("accounts.forget_failures", "Verlopen mislukte inlogpogingen opruimen")
def forget_failures(now) -> int:
    return forget_expired_failures(now)
