"""Setting passwords and the one-time set-password links of invitation and reset mails."""

import hashlib
import math
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from knooppunt.access import rules
from knooppunt.audit.models import Outcome
from knooppunt.audit.services import record
from knooppunt.core import throttle
from knooppunt.core.doors import inside_service, nothing_changed, service
from knooppunt.core.http import client_ip

from .models import PasswordHistory, PasswordLink, PasswordLinkPurpose, Status, User
from .usernames import is_login_name, normalise_login_name


def days_left(user: User, now=None) -> int | None:
    """Whole days until the password expires (0: expired); None when there is nothing to expire.

    Every password set through this module gets a change date; one without (no password, or
    one set outside the portal's own paths) has no age to enforce.
    """
    expires = user.password_expires_at()
    if expires is None or not user.has_usable_password():
        return None
    seconds = (expires - (now or timezone.now())).total_seconds()
    return math.ceil(seconds / 86400) if seconds > 0 else 0


def password_expired(user: User, now=None) -> bool:
    left = days_left(user, now)
    return left is not None and left <= 0


def password_expires_soon(user: User, now=None) -> bool:
    """In the warning window before expiry (Portero 2.1: two weeks)."""
    left = days_left(user, now)
    return left is not None and 0 < left <= settings.KNOOPPUNT_PASSWORD_WARNING.days


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(user: User, purpose: str) -> str:
    """Store a new link for `user` and return its full URL (the token is not kept). Only the
    newest link works: issuing one voids the user's earlier unused links, so an old mail that
    turns up later (or in someone else's hands) sets no password."""
    token = secrets.token_urlsafe(32)
    PasswordLink.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
    PasswordLink.objects.create(
        user=user,
        purpose=purpose,
        token_hash=_hash(token),
        expires_at=timezone.now() + settings.KNOOPPUNT_PASSWORD_LINK_VALIDITY,
    )
    return settings.KNOOPPUNT_BASE_URL + reverse("accounts:set_password", args=[token])


def find_link(token: str) -> PasswordLink | None:
    """The link for a token if it exists and can still be used, else None."""
    link = PasswordLink.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if link is None or not link.is_usable() or not may_set_password(link.user):
        return None
    return link


def may_set_password(user: User) -> bool:
    return user.status in (Status.INVITED, Status.ACTIVE)


def set_password(user: User, raw_password: str) -> None:
    """Store a new password (validated by the caller) and remember the old hash."""
    if user.password and user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(raw_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    keep = settings.KNOOPPUNT_PASSWORD_HISTORY
    stale = user.password_history.values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()


@service(rule="account.login", audit=("password.reset_requested",))
def request_password(request, typed: str) -> None:
    """'Wachtwoord aanvragen' (Portero 2.1). The caller always shows the same receipt. An
    active user gets a reset link, an invited one a new invitation (its first link may have
    expired: Portero, "kan opnieuw de aanvraag voor een nieuw wachtwoord aanklikken"). Requests
    are throttled per login name and per address, and the mail is a job sent after the commit,
    so a known and an unknown name cost the request the same."""
    rules.require(request.user if request else None, "account.login")
    name = normalise_login_name(typed)
    address = client_ip(request) or "-"
    by_name = throttle.hit(
        f"password-request:name:{name}", limit=settings.KNOOPPUNT_RESET_PER_NAME, window=3600
    )
    by_address = throttle.hit(
        f"password-request:address:{address}",
        limit=settings.KNOOPPUNT_RESET_PER_ADDRESS,
        window=3600,
    )
    user = None
    if is_login_name(name):
        user = User.objects.filter(username=name).select_related("organisation").first()
    audit = {"request": request, "actor_username": name, "details": {"typed": name}}
    if not (by_name.allowed and by_address.allowed):
        record("password.reset_requested", outcome=Outcome.DENIED, target=user, **audit)
        return
    if user is None or not user.email or user.status not in (Status.ACTIVE, Status.INVITED):
        record("password.reset_requested", outcome=Outcome.FAILURE, target=user, **audit)
        return
    if user.status == Status.INVITED:
        send_invitation(user)
    else:
        send_reset(user)
    record("password.reset_requested", target=user, organisation=user.organisation_id, **audit)


@service(rule="account.login", audit=("password.set", "password.reset"))
def use_link(token: str, raw_password: str, request=None) -> User | None:
    """Set the password through a link, exactly once.

    The conditional UPDATE claims the link: when the same link is submitted twice at the same
    moment, the database lets exactly one UPDATE match, and the other gets None.
    """
    rules.require(request.user if request else None, "account.login")
    password_validation.validate_password(raw_password, _user_for_token(token))
    with transaction.atomic():
        now = timezone.now()
        claimed = PasswordLink.objects.filter(
            token_hash=_hash(token), used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if claimed != 1:
            nothing_changed()
            return None
        link = PasswordLink.objects.select_related("user", "user__organisation").get(
            token_hash=_hash(token)
        )
        user = User.objects.select_for_update().get(pk=link.user_id)
        if not may_set_password(user):
            transaction.set_rollback(True)
            nothing_changed()
            return None
        set_password(user, raw_password)
        if user.status == Status.INVITED:
            user.status = Status.ACTIVE
            user.save(update_fields=["status"])
        # Other outstanding links of this user stop working too.
        PasswordLink.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
        record(
            "password.set" if link.purpose == PasswordLinkPurpose.INVITATION else "password.reset",
            actor=user,
            request=request,
            target=user,
        )
    return user


def _user_for_token(token: str) -> User | None:
    link = PasswordLink.objects.select_related("user").filter(token_hash=_hash(token)).first()
    return link.user if link else None


@inside_service
def send_invitation(user: User) -> None:
    """Queue the invitation mail (accounts.mails) in the caller's transaction."""
    from knooppunt.jobs.mail import send_later

    send_later(
        "accounts.invitation", user.email, organisation_id=user.organisation_id, user=user.pk
    )


@inside_service
def send_reset(user: User) -> None:
    """Queue a 'Wachtwoord aanvragen' mail (accounts.mails) in the caller's transaction."""
    from knooppunt.jobs.mail import send_later

    send_later("accounts.reset", user.email, organisation_id=user.organisation_id, user=user.pk)
