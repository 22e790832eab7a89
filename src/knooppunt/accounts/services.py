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

from knooppunt.access import rules
from knooppunt.access.principals import HOUSEKEEPING, as_principal
from knooppunt.audit.models import Outcome
from knooppunt.audit.services import record
from knooppunt.core import sql
from knooppunt.core.doors import inside_service, nothing_changed, service

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
    """Check and normalise the personal fields: THE field rules of a user, applied by the
    forms, the CSV import, eHerkenning's registration and SCIM alike. All fields are checked in
    one round; one ValidationError carries every field's errors."""
    cleaned, errors = {}, {}
    for name in ("voorletters", "voornaam", "achternaam"):
        value = (data.get(name) or "").strip()
        if not value:
            errors[name] = ValidationError(_("Dit veld is verplicht."), code="required")
        cleaned[name] = value
    cleaned["tussenvoegsel"] = (data.get("tussenvoegsel") or "").strip()
    cleaned["memo"] = (data.get("memo") or "").strip()
    for name in ("voorletters", "voornaam", "tussenvoegsel", "achternaam"):
        limit = sql.field(User, name).max_length or 0
        if name not in errors and len(cleaned[name]) > limit:
            errors[name] = ValidationError(
                _("Gebruik ten hoogste %(limit)d tekens.") % {"limit": limit}, code="max_length"
            )
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


@inside_service
def new_user(
    actor,
    organisation,
    data: dict,
    *,
    is_administrator: bool = False,
    invite: bool = True,
    request=None,
) -> User:
    """Part of a service that checked authorisation (user management's create_colleague and
    import, the operator's appoint_admin, SCIM): an invited user with a fresh login name and
    (by default) the invitation mail, queued in the same transaction."""
    cleaned = clean_personal_data(data, organisation)
    user = User(
        organisation=organisation,
        status=Status.INVITED,
        is_administrator=is_administrator,
        created_by=_user_of(actor),
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
        send_invitation(user)  # a job of this transaction: sent after the commit
    return user


@inside_service
def new_pending_user(organisation, cleaned: dict, *, verification_code: str) -> User:
    """Part of eHerkenning's registration service: a self-registered user awaiting the code
    and its administrator's approval (SPEC 3), with a fresh login name. `cleaned` has passed
    `clean_personal_data`. Raises IntegrityError (its savepoint rolled back) when the same
    e-mail address was registered a moment ago."""
    user = User(
        organisation=organisation,
        status=Status.PENDING,
        self_registered=True,
        verification_code=verification_code,
        username=issue_username(cleaned["voorletters"], cleaned["voornaam"], cleaned["achternaam"]),
        **cleaned,
    )
    user.set_unusable_password()
    with transaction.atomic():
        user.save()
    return user


def _user_of(actor) -> User | None:
    return as_principal(actor).user


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


@inside_service
def expire_at_login(user: User, *, request=None) -> None:
    """Part of the login services: an active account without a login for too long expires at
    the door, whichever login is used (SPEC 3, Expiry), as well as in the daily housekeeping."""
    if user.status == Status.ACTIVE and is_inactive_too_long(user):
        _expire(user, reason="inactivity", actor=None, request=request)


def inactive_users(now: datetime.datetime | None = None):
    """Active and invited accounts that are due to expire."""
    cutoff = inactivity_cutoff(now)
    return User.objects.filter(status__in=[Status.ACTIVE, Status.INVITED]).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, created_at__lt=cutoff)
    )


def _expire(user: User, *, reason: str, actor, request) -> None:
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


@service(rule="user.expire", audit=("user.expire",))
def expire_if_inactive(actor, user: User, now: datetime.datetime | None = None) -> bool:
    """Housekeeping, for one user: expire it when it has not logged in for too long. Re-read
    under a lock: the user may have logged in since the list was made."""
    rules.require(actor, "user.expire", user)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.status in (Status.ACTIVE, Status.INVITED) and is_inactive_too_long(locked, now):
        _expire(locked, reason="inactivity", actor=actor, request=None)
        return True
    nothing_changed()
    return False


def expire_inactive_users(now: datetime.datetime | None = None) -> int:
    return sum(
        expire_if_inactive(HOUSEKEEPING, user, now) for user in inactive_users(now).iterator()
    )


# --- lockout ---------------------------------------------------------------------------------


@service(rule="user.unlock", audit=("account.unlock",))
def unlock_user(actor, user: User, *, request=None) -> int:
    """The operator lifts a lockout (SPEC 1: operators unlock accounts)."""
    rules.require(actor, "user.unlock", user)
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


@service(rule="account.self", audit=("password.change",))
def change_password(request, user: User, new_password: str) -> None:
    """The logged-in user's new password (its current one was checked by the form). The session
    gets a new id and stays valid; the user's other sessions end."""
    rules.require(user, "account.self", user)
    password_validation.validate_password(new_password, user)
    set_password(user, new_password)
    update_session_auth_hash(request, user)
    record("password.change", actor=user, request=request, target=user)


@service(rule="account.self", audit=("password.current_wrong",))
def refuse_current_password(request, user: User, *, locked: bool) -> None:
    """A wrong current password on 'Wachtwoord wijzigen' or a confirmation: audited; it counts
    towards the lockout of the login name (axes counted it in authenticate())."""
    rules.require(user, "account.self", user)
    record(
        "password.current_wrong",
        actor=user,
        request=request,
        target=user,
        outcome=Outcome.DENIED if locked else Outcome.FAILURE,
        details={"locked": locked},
    )


@service(rule="account.self", audit=("profile.code_channel",))
def set_code_channel(request, user: User, channel: str) -> None:
    rules.require(user, "account.self", user)
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
        nothing_changed()
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


@service(rule="account.self", audit=("otp.totp_start",))
def start_authenticator(request, user: User) -> TOTPDevice:
    """An unconfirmed app device; it counts only once the user has entered a code from it."""
    rules.require(user, "account.self", user)
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name="Authenticator-app", confirmed=False)
    record("otp.totp_start", actor=user, request=request, target=user)
    return device


@service(rule="account.self", audit=("otp.totp_add",))
def confirm_authenticator(request, user: User, device_id: int, code: str) -> list[str] | None:
    """Confirm the app with a code from it; returns the new recovery codes, or None if wrong."""
    rules.require(user, "account.self", user)
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


@service(rule="account.self", audit=("otp.recovery_codes",))
def new_recovery_codes(request, user: User) -> list[str]:
    rules.require(user, "account.self", user)
    codes = _new_recovery_codes(user)
    record("otp.recovery_codes", actor=user, request=request, target=user)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Herstelcodes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(10)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@service(rule="account.self", audit=("otp.totp_remove",))
def remove_authenticator(request, user: User) -> None:
    """Back to codes by SMS or e-mail (the caller checked the password)."""
    rules.require(user, "account.self", user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    request.session.cycle_key()
    record("otp.totp_remove", actor=user, request=request, target=user)
