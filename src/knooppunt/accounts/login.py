"""The two-step login of SPEC 5.1 (Portero 2.2): password, then a second factor, then a session.

Between the two steps nobody is logged in: the database-backed session holds only a *pending
login* (whose password was right, since when, how many codes were tried). The auth session, with
a fresh session id, exists only once the second factor has passed.
"""

import re
import time
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from django.conf import settings
from django.contrib.auth import login, user_login_failed
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from knooppunt.audit.models import Outcome
from knooppunt.audit.services import record
from knooppunt.core import sql
from knooppunt.core.delivery import send_mail_now
from knooppunt.sms import send_sms

from . import services
from .models import CodeChannel, LoginCodeDevice, Status, TOTPDevice, User

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


def record_refusal(request, user: User, refusal: Refusal) -> None:
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


def begin(request, user: User, next_url: str | None) -> None:
    """The password was right: remember a pending login and send the code (unless the user
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


def send_code(request, user: User, state: dict, *, resend: bool) -> SendResult:
    """Send a fresh code, unless that is throttled.

    At the password step a code is always sent, except when one went out less than a minute ago
    and is still unused: then that code stands (so that repeating the password step cannot flood
    someone's phone). A re-send needs the cooldown to have passed and is limited per login.
    """
    with transaction.atomic(savepoint=False):
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
        _deliver(user, channel, code)
        state["sends"] += 1
        state["channel"] = channel
        record(
            "login.code_sent",
            actor=user,
            request=request,
            target=user,
            details={"channel": channel, "resend": resend},
        )
    return SendResult(True)


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


def verify(request, login: Pending, raw_code: str) -> Verdict:
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
    with transaction.atomic(savepoint=False):
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
    with transaction.atomic(savepoint=False):
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
    """Log the user in (a new session id) and return where to go next."""
    user, state = login_state.user, login_state.state
    cancel(request)
    with transaction.atomic(savepoint=False):  # new session, last_login, lockout reset, audit
        login(request, user, backend=state["backend"])  # cycles the session key
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
