"""Changes to accounts: creating users, expiring and unlocking them, a user's own password and
second factors. Views, commands and the API call these; each runs in one transaction and writes
its audit event."""

import datetime

from django.conf import settings
from django.contrib.auth import password_validation, update_session_auth_hash
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from knooppunt.access import rules as access
from knooppunt.audit.models import Outcome
from knooppunt.audit.services import record
from knooppunt.core import sql

from . import fields, lockout
from .models import CodeChannel, Status, TOTPDevice, User
from .passwords import send_invitation, set_password
from .usernames import issue_username

PERSONAL_FIELDS = (
    "voorletters",
    "voornaam",
    "tussenvoegsel",
    "achternaam",
    "email",
    "uzi_nummer",
    "telefoonnummer",
    "memo",
)


def clean_personal_data(data: dict, organisation, *, exclude_user_id=None) -> dict:
    """Check and normalise the personal fields; raise one ValidationError with all field errors."""
    cleaned, errors = {}, {}
    for name in ("voorletters", "voornaam", "achternaam"):
        value = (data.get(name) or "").strip()
        if not value:
            errors[name] = ValidationError(_("Dit veld is verplicht."), code="required")
        cleaned[name] = value
    cleaned["tussenvoegsel"] = (data.get("tussenvoegsel") or "").strip()
    cleaned["memo"] = (data.get("memo") or "").strip()
    for name, func in (
        ("email", lambda v: fields.clean_email(v, organisation, exclude_user_id=exclude_user_id)),
        ("telefoonnummer", fields.clean_mobile),
        ("uzi_nummer", fields.clean_uzi),
    ):
        try:
            cleaned[name] = func(data.get(name) or "")
        except ValidationError as exc:
            errors[name] = exc
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def create_user(
    actor,
    organisation,
    data: dict,
    *,
    is_administrator: bool = False,
    invite: bool = True,
    request=None,
) -> User:
    """Create an invited user with a fresh login name and (by default) mail the invitation."""
    cleaned = clean_personal_data(data, organisation)
    user = User(
        organisation=organisation,
        status=Status.INVITED,
        is_administrator=is_administrator,
        created_by=actor,
        username=issue_username(cleaned["voorletters"], cleaned["voornaam"], cleaned["achternaam"]),
        **cleaned,
    )
    user.set_unusable_password()
    user.save()
    record(
        "user.create",
        actor=actor,
        request=request,
        organisation=organisation,
        target=user,
        details={"is_administrator": is_administrator},
    )
    if invite:
        # Inside the transaction: if the mail cannot be sent, no half-made user is left behind.
        send_invitation(user)
    return user


# --- expiry after inactivity (SPEC 3, Portero 2.1) -------------------------------------------


def inactivity_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - settings.KNOOPPUNT_INACTIVITY_EXPIRY


def record_login_time(sender, request, user, **kwargs) -> None:
    """Receiver of `user_logged_in`: last_login in one UPDATE of that column (core.sql)."""
    user.last_login = timezone.now()
    sql.update(user, "last_login")


def is_inactive_too_long(user: User, now: datetime.datetime | None = None) -> bool:
    """No login for 6 months, or created 6 months ago and never logged in."""
    reference = user.last_login or user.created_at
    return reference < inactivity_cutoff(now)


def expire_at_login(user: User, *, request=None) -> None:
    """An active account without a login for too long expires at the door, whichever login is
    used (SPEC 3, Expiry), as well as in the daily housekeeping."""
    if user.status == Status.ACTIVE and is_inactive_too_long(user):
        expire_user(user, reason="inactivity", request=request)


def inactive_users(now: datetime.datetime | None = None):
    """Active and invited accounts that are due to expire."""
    cutoff = inactivity_cutoff(now)
    return User.objects.filter(status__in=[Status.ACTIVE, Status.INVITED]).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, created_at__lt=cutoff)
    )


@transaction.atomic
def expire_user(user: User, *, reason: str, actor=None, request=None) -> None:
    """Irreversible: an expired user cannot log in again; the administrator creates a new one."""
    user.status = Status.EXPIRED
    user.expired_at = timezone.now()
    user.save(update_fields=["status", "expired_at"])
    record(
        "user.expire",
        actor=actor,
        request=request,
        organisation=user.organisation_id,
        target=user,
        details={"reason": reason, "last_login": str(user.last_login or "")},
    )


def expire_inactive_users(now: datetime.datetime | None = None) -> int:
    count = 0
    for user in inactive_users(now).iterator():
        with transaction.atomic():
            # Re-read under a lock: the user may have logged in since the query ran.
            user = User.objects.select_for_update().get(pk=user.pk)
            if user.status in (Status.ACTIVE, Status.INVITED) and is_inactive_too_long(user, now):
                expire_user(user, reason="inactivity")
                count += 1
    return count


# --- lockout ---------------------------------------------------------------------------------


@transaction.atomic
def unlock_user(actor, user: User, *, request=None) -> int:
    """The operator lifts a lockout (SPEC 1: operators unlock accounts)."""
    access.require(actor, "user.unlock", user)
    forgotten = lockout.reset(user.username)
    record(
        "account.unlock",
        actor=actor,
        request=request,
        organisation=user.organisation_id,
        target=user,
        details={"failures_forgotten": forgotten},
    )
    return forgotten


# --- a user's own password and second factors --------------------------------------------------


@transaction.atomic
def change_password(request, user: User, new_password: str) -> None:
    """The logged-in user's new password (its current one was checked by the form). The session
    gets a new id and stays valid; the user's other sessions end."""
    password_validation.validate_password(new_password, user)
    set_password(user, new_password)
    update_session_auth_hash(request, user)
    record("password.change", actor=user, request=request, target=user)


@transaction.atomic
def set_code_channel(request, user: User, channel: str) -> None:
    if channel == CodeChannel.SMS and not user.telefoonnummer:
        raise ValidationError(
            {
                "code_channel": _(
                    "Er is geen mobiel nummer bekend. Vraag uw gebruikersbeheerder om uw "
                    "mobiele nummer in te vullen, of kies e-mail."
                )
            }
        )
    if channel == user.code_channel:
        return
    old, user.code_channel = user.code_channel, channel
    user.save(update_fields=["code_channel"])
    record(
        "profile.code_channel",
        actor=user,
        request=request,
        target=user,
        details={"from": old, "to": channel},
    )


def start_authenticator(user: User) -> TOTPDevice:
    """An unconfirmed app device; it counts only once the user has entered a code from it."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator-app", confirmed=False)


@transaction.atomic
def confirm_authenticator(request, user: User, device_id: int, code: str) -> list[str] | None:
    """Confirm the app with a code from it; returns the new recovery codes, or None if wrong."""
    device = (
        TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False)
    ).first()
    if device is None or not device.verify_token(code):
        record("otp.totp_add", actor=user, request=request, target=user, outcome=Outcome.FAILURE)
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    request.session.cycle_key()  # a change of the user's security: a new session id
    record("otp.totp_add", actor=user, request=request, target=user)
    return codes


@transaction.atomic
def new_recovery_codes(request, user: User) -> list[str]:
    codes = _new_recovery_codes(user)
    record("otp.recovery_codes", actor=user, request=request, target=user)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Herstelcodes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(10)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@transaction.atomic
def remove_authenticator(request, user: User) -> None:
    """Back to codes by SMS or e-mail (the caller checked the password)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    request.session.cycle_key()
    record("otp.totp_remove", actor=user, request=request, target=user)
