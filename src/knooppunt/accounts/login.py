"""The two-step login of SPEC 5.1 (Portero 2.2): password, then a second factor, then a session.

Between the two steps nobody is logged in: the database-backed session holds only a *pending
login* (whose password was right, since when, how many codes were tried). The auth session, with
a fresh session id, exists only once the second factor has passed.

Each step that changes state is a service (core.doors) under the rule "account.login", which is
open to callers that are not logged in yet: the password, the code or the session is the check.
The password itself is checked (Argon2, the one costly step) before the service, outside any
transaction; the code's SMS or e-mail goes out after the service's commit.
"""

import logging
import re
import time
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from django.conf import settings
from django.contrib.auth import login, logout, user_login_failed
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from knooppunt.access import rules
from knooppunt.audit.models import Outcome
from knooppunt.audit.services import record
from knooppunt.core import sql
from knooppunt.core.delivery import send_mail_now
from knooppunt.core.doors import after_service, inside_service, nothing_changed, service
from knooppunt.sms import send_sms

from . import lockout, services
from .models import CodeChannel, LoginCodeDevice, Status, TOTPDevice, User
from .usernames import normalise_login_name

logger = logging.getLogger(__name__)

PENDING = "knooppunt_pending_login"
AUTH_AT = "knooppunt_auth_at"  # when the session was logged in (absolute maximum)
SEEN = "knooppunt_seen"  # last request of the session (idle timeout)


class Refusal(StrEnum):
    EXPIRED = "expired"
    DEACTIVATED = "deactivated"
    METHOD = "method"  # the organisation does not allow password logins
    OTHER = "other"  # invited, pending, deleted: answered like a wrong password


def refusal_for(user: User, *, request=None) -> Refusal | None:
    """Why a user whose password was right may still not log in; None when they may.

    An active account without a login for too long expires here (`services.expire_at_login`).
    """
    services.expire_at_login(user, request=request)
    if user.status == Status.EXPIRED:
        return Refusal.EXPIRED
    if user.status == Status.DEACTIVATED:
        return Refusal.DEACTIVATED
    if user.status != Status.ACTIVE:
        return Refusal.OTHER
    if not user.organisation.login_password:
        return Refusal.METHOD
    return None


def _record_refusal(request, user: User, refusal: Refusal) -> None:
    record(
        f"login.{refusal.value}" if refusal != Refusal.OTHER else "login.refused",
        actor=user,
        request=request,
        target=user,
        outcome=Outcome.DENIED,
        details={"status": user.status},
    )


# --- the pending login -----------------------------------------------------------------------


@dataclass
class Pending:
    user: User
    state: dict

    @property
    def method(self) -> str:
        return self.state["method"]

    @property
    def attempts_left(self) -> int:
        return max(0, settings.KNOOPPUNT_LOGIN_CODE_ATTEMPTS - self.state["attempts"])


@service(rule="account.login", audit=("login.failed", "account.lockout", "login.locked"))
def refuse_password(request, typed: str) -> bool:
    """A wrong password, an unknown or a locked name: the answer depends only on the name's
    failure count, never on whether the account exists. Returns whether the name is locked."""
    rules.require(request.user, "account.login")
    name = normalise_login_name(typed)
    try:
        known = User.objects.get_by_natural_key(name)
    except User.DoesNotExist:
        known = None
    audit = {
        "request": request,
        "actor_username": name,
        "target": known,
        "organisation": known.organisation_id if known else None,
        "details": {"typed": name},
    }
    if getattr(request, "axes_locked_out", False):
        if lockout.lock_just_started(request):
            record("login.failed", outcome=Outcome.FAILURE, **audit)
            record("account.lockout", outcome=Outcome.DENIED, **audit)
        else:
            record("login.locked", outcome=Outcome.DENIED, **audit)
        return True
    record("login.failed", outcome=Outcome.FAILURE, **audit)
    return False


@service(
    rule="account.login",
    audit=(
        "login.password_ok",
        "login.code_sent",
        "login.expired",
        "login.deactivated",
        "login.method",
        "login.refused",
        "user.expire",
    ),
)
def accept_password(request, user: User, next_url: str | None) -> Refusal | None:
    """The password was right. Either refuse (expired, deactivated, not allowed to log in with
    a password: audited, with the reason) or begin the second step."""
    rules.require(request.user, "account.login")
    refusal = refusal_for(user, request=request)
    if refusal is not None:
        _record_refusal(request, user, refusal)
        return refusal
    begin(request, user, next_url)
    return None


@inside_service
def begin(request, user: User, next_url: str | None) -> None:
    """Part of `accept_password`: remember a pending login and send the code (unless the user
    has an authenticator app)."""
    if request.session.session_key:
        # A session id fixed by someone else must not carry this state (a session that did not
        # exist yet gets a fresh id anyway).
        request.session.cycle_key()
    state = {
        "user": user.pk,
        "backend": user.backend,
        "since": int(time.time()),
        "attempts": 0,
        "sends": 0,
        "next": next_url or "",
        "method": "totp" if has_authenticator(user) else "code",
    }
    record(
        "login.password_ok",
        actor=user,
        request=request,
        target=user,
        details={"second_factor": state["method"]},
    )
    if state["method"] == "code":
        send_code(request, user, state, resend=False)
    request.session[PENDING] = state


def pending(request) -> Pending | None:
    """The pending login of this session, or None (none, too old, or the user no longer active)."""
    state = request.session.get(PENDING)
    if not state:
        return None
    if time.time() - state["since"] > settings.KNOOPPUNT_LOGIN_CODE_SECONDS:
        cancel(request)
        return None
    try:
        user = User.objects.get_with_organisation(state["user"])
    except User.DoesNotExist:
        user = None
    if user is None or user.status != Status.ACTIVE:
        cancel(request)
        return None
    user.backend = state["backend"]
    return Pending(user, state)


def cancel(request) -> None:
    request.session.pop(PENDING, None)


def has_authenticator(user: User) -> bool:
    """Whether the user set up an authenticator app (asked at every password step: core.sql)."""
    with connection.cursor() as cursor:
        cursor.execute(_confirmed_authenticator_sql(), [user.pk])
        return cursor.fetchone() is not None


@cache
def _confirmed_authenticator_sql() -> str:
    user, confirmed = sql.column(TOTPDevice, "user"), sql.column(TOTPDevice, "confirmed")
    return f"SELECT 1 FROM {sql.table(TOTPDevice)} WHERE {user} = %s AND {confirmed} LIMIT 1"  # noqa: S608


# --- codes by SMS or e-mail ------------------------------------------------------------------


def channel_for(user: User) -> str:
    """SMS when the user has a mobile number (unless they chose e-mail), otherwise e-mail."""
    if user.code_channel != CodeChannel.EMAIL and user.telefoonnummer:
        return CodeChannel.SMS
    return CodeChannel.EMAIL


def mask_destination(user: User, channel: str) -> str:
    if channel == CodeChannel.SMS:
        return "•" * 6 + user.telefoonnummer[-2:]
    local, _, domain = user.email.partition("@")
    return f"{local[:1]}•••@{domain}"


@dataclass
class SendResult:
    sent: bool
    wait_seconds: int = 0


@service(rule="account.login", audit=("login.code_sent",))
def resend_code(request, login_state: Pending) -> SendResult:
    """'Opnieuw versturen' on the code page."""
    rules.require(request.user, "account.login")
    result = send_code(request, login_state.user, login_state.state, resend=True)
    if not result.sent:
        nothing_changed()
    request.session.modified = True
    return result


@inside_service
def send_code(request, user: User, state: dict, *, resend: bool) -> SendResult:
    """Part of a login service: a fresh code, unless that is throttled.

    At the password step a code is always sent, except when one went out less than a minute ago
    and is still unused: then that code stands (so that repeating the password step cannot flood
    someone's phone). A re-send needs the cooldown to have passed and is limited per login. The
    code is generated under the device's lock; the message goes out after the commit.
    """
    device = LoginCodeDevice.locked_for(user)
    allowed, info = device.generate_is_allowed()
    if not allowed and (resend or device.has_open_code()):
        state.setdefault("channel", device.channel)  # the code that stands went there
        wait = (info["next_generation_at"] - timezone.now()).total_seconds()
        return SendResult(False, max(1, int(wait) + 1))
    if resend and state["sends"] >= settings.KNOOPPUNT_LOGIN_CODE_MAX_SENDS:
        return SendResult(False)
    channel = channel_for(user)
    code = device.new_code(channel)
    state["sends"] += 1
    state["channel"] = channel
    state.pop("delivery_failed", None)
    record(
        "login.code_sent",
        actor=user,
        request=request,
        target=user,
        details={"channel": channel, "resend": resend},
    )
    after_service(lambda: _deliver_or_note(request, user, channel, code, state))
    return SendResult(True)


def _deliver_or_note(request, user: User, channel: str, code: str, state: dict) -> None:
    """Send the code (after the commit: no lock is held while the gateway takes its time).
    When the SMS gateway or mail server fails, the code is voided, a new one may be asked for at
    once, and the code page says so (the failure is logged and audited, never the code)."""
    try:
        _deliver(user, channel, code)
    except Exception as exc:
        logger.warning("Login code for user %s not delivered by %s: %s", user.pk, channel, exc)
        note_undelivered(request, user, channel)
        state["delivery_failed"] = True
        state["sends"] = max(0, state["sends"] - 1)
        request.session[PENDING] = state
        request.session.modified = True


@service(rule="account.login", audit=("login.code_undelivered",))
def note_undelivered(request, user: User, channel: str) -> None:
    """The code could not be sent: void it and lift the wait for a new one."""
    rules.require(request.user, "account.login")
    device = LoginCodeDevice.locked_for(user)
    device.token, device.last_generated_timestamp = None, None
    device._write("token", "last_generated_timestamp")
    record(
        "login.code_undelivered",
        actor=user,
        request=request,
        target=user,
        outcome=Outcome.FAILURE,
        details={"channel": channel},
    )


def _deliver(user: User, channel: str, code: str) -> None:
    minutes = settings.KNOOPPUNT_LOGIN_CODE_SECONDS // 60
    context = {"user": user, "code": code, "minutes": minutes}
    if channel == CodeChannel.SMS:
        send_sms(user.telefoonnummer, render_to_string("accounts/sms/code.txt", context).strip())
    else:
        send_mail_now(  # a mail server that fails: a clear page, not a 500 (core.delivery)
            subject=render_to_string("accounts/email/code_subject.txt", context).strip(),
            message=render_to_string("accounts/email/code.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )


# --- the second step -------------------------------------------------------------------------


class Verdict(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    SPENT = "spent"  # too many wrong codes: back to the login screen
    WAIT = "wait"  # the authenticator app's throttle: try again in a few seconds


@service(
    rule="account.login",
    audit=("login.code_failed", "login.success", "otp.recovery_code_used"),
)
def second_step(request, login_state: Pending, raw_code: str) -> tuple[Verdict, str]:
    """The code (or the authenticator app's, or a recovery code): on success the user is
    logged in with a new session id; returns the verdict and where to go next."""
    rules.require(request.user, "account.login")
    verdict = verify(request, login_state, raw_code)
    if verdict != Verdict.OK:
        if verdict == Verdict.WAIT:
            nothing_changed()
        return verdict, ""
    return verdict, complete(request, login_state)


def verify(request, login: Pending, raw_code: str) -> Verdict:
    """Part of `second_step`."""
    code = re.sub(r"[\s-]", "", raw_code or "").lower()
    user, state = login.user, login.state
    if login.method == "code":
        verdict, device_left = _verify_sent_code(user, code)
    else:
        verdict, device_left = _verify_authenticator(request, user, code)
    if verdict in (Verdict.OK, Verdict.WAIT):
        return verdict
    state["attempts"] += 1
    request.session.modified = True
    left = min(login.attempts_left, device_left)
    record(
        "login.code_failed",
        actor=user,
        request=request,
        target=user,
        outcome=Outcome.FAILURE,
        details={"method": login.method, "attempts_left": left},
    )
    if left > 0:
        return Verdict.WRONG
    cancel(request)
    # A spent code counts as one failed login towards the lockout of the login name.
    user_login_failed.send(
        sender=__name__, credentials={"username": user.username}, request=request
    )
    return Verdict.SPENT


def _verify_sent_code(user: User, code: str) -> tuple[Verdict, int]:
    # One device per user (a unique constraint).
    device = sql.get(LoginCodeDevice, "user", user.pk, lock=True)
    if device is None:
        return Verdict.SPENT, 0
    if device.verify_token(code):
        return Verdict.OK, device.attempts_left()
    return Verdict.WRONG, device.attempts_left()


def _verify_authenticator(request, user: User, code: str) -> tuple[Verdict, int]:
    """Six digits: the app's code; anything else: one of the recovery codes."""
    model = TOTPDevice if re.fullmatch(r"\d{6}", code) else StaticDevice
    devices = model.objects.select_for_update().filter(user=user, confirmed=True)
    for device in devices:
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            return Verdict.WAIT, settings.KNOOPPUNT_LOGIN_CODE_ATTEMPTS
        if device.verify_token(code):
            if model is StaticDevice:
                record("otp.recovery_code_used", actor=user, request=request, target=user)
            return Verdict.OK, settings.KNOOPPUNT_LOGIN_CODE_ATTEMPTS
    return Verdict.WRONG, settings.KNOOPPUNT_LOGIN_CODE_ATTEMPTS


def complete(request, login_state: Pending) -> str:
    """Part of `second_step`: log the user in (a new session id) and return where to go."""
    user, state = login_state.user, login_state.state
    cancel(request)
    login(request, user, backend=state["backend"])  # cycles the session key, sets last_login
    now = int(time.time())
    request.session[AUTH_AT] = now
    request.session[SEEN] = now
    record(
        "login.success",
        actor=user,
        request=request,
        target=user,
        details={"second_factor": state["method"]},
    )
    return state["next"]


@service(rule="account.login", audit=("logout",))
def log_out(request) -> None:
    """'Log Uit'."""
    rules.require(request.user, "account.login")
    user = request.user
    if user.is_authenticated:
        record("logout", actor=user, request=request, target=user)
    else:
        nothing_changed()
    logout(request)


@service(rule="account.login", audit=("session.timeout",))
def end_session(request, reason: str) -> None:
    """The idle timeout or the absolute maximum of SPEC 5.3 ended the session."""
    rules.require(request.user, "account.login")
    user = request.user
    if user.is_authenticated:
        record("session.timeout", actor=user, request=request, details={"reason": reason})
    else:
        nothing_changed()
    logout(request)
