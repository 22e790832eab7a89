"""The one door: every change of state is a service function that asks the authorisation module,
runs in one transaction and writes a registered audit event. Views, the console, commands, the
API and SCIM call services; nothing else writes.

    @service(rule="user.deactivate", audit=("user.deactivate",))
    def deactivate_user(actor, user, *, until=None, request=None): ...

`@service` wraps the function in `transaction.atomic`, registers it (the contract test lists every
service with its declared rule and actions) and, with KNOOPPUNT_STRICT_DOORS on (the test suite),
checks each call: the authorisation module was asked, and an audit event was written unless the
service said `nothing_changed()`. `GuardWritesMiddleware` (also in the suite) refuses any write a
request makes outside a service.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import connection, transaction

from knooppunt.access import rules
from knooppunt.audit import services as audit_services

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Service:
    name: str  # module.function
    func: Callable[..., Any]
    rules: tuple[str, ...]
    audit: tuple[str, ...]


_SERVICES: dict[str, Service] = {}


class DoorError(AssertionError):
    """A service broke the contract (no authorisation asked, no audit written), or a request
    wrote outside a service."""


@dataclass
class _Frame:
    name: str
    quiet: bool = False
    after: list[Callable[[], None]] = field(default_factory=list)


_frames: contextvars.ContextVar[tuple[_Frame, ...]] = contextvars.ContextVar(
    "knooppunt_service_frames", default=()
)
# The services called while `watch()` is on (for the contract tests).
_watched: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "knooppunt_watched_services", default=None
)
_bookkeeping: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "knooppunt_bookkeeping", default=False
)
# Bookkeeping writes of one request that ride along in the transaction of the first service it
# calls, instead of committing on their own (riders()).
_riders: contextvars.ContextVar[list[Callable[[], None]] | None] = contextvars.ContextVar(
    "knooppunt_service_riders", default=None
)


@contextlib.contextmanager
def riders():
    """While on, the first outermost service to succeed runs the writes put in the yielded list
    at the end of its transaction (and empties it); a service that fails leaves them there for
    the caller. The webservice's rate count rides along with a lookup's log: one commit."""
    pending: list[Callable[[], None]] = []
    token = _riders.set(pending)
    try:
        yield pending
    finally:
        _riders.reset(token)


def _with_riders(func, pending: list[Callable[[], None]]):
    @functools.wraps(func)
    def run(*args, **kwargs):
        result = func(*args, **kwargs)
        while pending:
            pending.pop(0)()
        return result

    return transaction.atomic(run)


def service(
    *, rule: str | tuple[str, ...], audit: tuple[str, ...] = ()
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare a door: the rule(s) it asks and the audit action(s) it may write."""
    declared_rules = (rule,) if isinstance(rule, str) else tuple(rule)

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        name = f"{func.__module__}.{func.__qualname__}"
        atomic = transaction.atomic(func)

        @functools.wraps(func)
        def door(*args: P.args, **kwargs: P.kwargs) -> R:
            frames = _frames.get()
            frame = _Frame(name)
            watched = _watched.get()
            if watched is not None:
                watched.append(name)
            token = _frames.set((*frames, frame))
            checked, written = rules.checks.get(), audit_services.recorded.get()
            own_checks: list[str] = []
            own_records: list[str] = []
            check_token = rules.checks.set(own_checks)
            record_token = audit_services.recorded.set(own_records)
            pending = None if frames else _riders.get()
            try:
                if pending:
                    result = _with_riders(func, pending)(*args, **kwargs)
                else:
                    result = atomic(*args, **kwargs)
            except BaseException:
                frame.after.clear()
                raise
            finally:
                rules.checks.reset(check_token)
                audit_services.recorded.reset(record_token)
                _frames.reset(token)
                # A nested service's checks and events count for its caller too.
                if checked is not None:
                    checked.extend(own_checks)
                if written is not None:
                    written.extend(own_records)
            _verify(frame, own_checks, own_records)
            if frames:  # nested: the outermost service runs it when it is done
                frames[0].after.extend(frame.after)
            else:
                for func_after in frame.after:
                    func_after()
            return result

        door.service = Service(name, func, declared_rules, tuple(audit))  # type: ignore[attr-defined]
        if name in _SERVICES and _SERVICES[name].func is not func:
            raise ValueError(f"Service {name} is registered twice")
        _SERVICES[name] = door.service  # type: ignore[attr-defined]
        return door

    return decorate


def inside_service(func: Callable[P, R]) -> Callable[P, R]:
    """Mark a helper that writes as part of a service that already asked the authorisation
    module (creating a user for create_colleague, appoint_admin and SCIM alike). With
    KNOOPPUNT_STRICT_DOORS, calling it outside a service is an error."""

    @functools.wraps(func)
    def helper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not in_service():
            message = f"{func.__module__}.{func.__qualname__} called outside a service"
            if settings.KNOOPPUNT_STRICT_DOORS:
                raise DoorError(message)
            logger.error(message)
        return func(*args, **kwargs)

    helper.inside_service = True  # type: ignore[attr-defined]
    return helper


def nothing_changed() -> None:
    """A service that found nothing to change says so: it writes no audit event this time."""
    frames = _frames.get()
    if frames:
        frames[-1].quiet = True


def after_service(func: Callable[[], None]) -> None:
    """Run `func` once the outermost service call has returned, i.e. after its transaction
    committed (services are not called inside a transaction of the caller's), and not at all
    when it failed. For slow I/O that must not happen while the transaction holds locks and
    that cannot wait for a job: the login code's SMS or e-mail."""
    frames = _frames.get()
    if not frames:
        raise RuntimeError("after_service() outside a service")
    frames[-1].after.append(func)


@contextlib.contextmanager
def watch():
    """Collect the names of the services called inside the block (for the contract tests)."""
    calls: list[str] = []
    token = _watched.set(calls)
    try:
        yield calls
    finally:
        _watched.reset(token)


@contextlib.contextmanager
def bookkeeping():
    """Writes that are no change of the portal's state: a cache kept in the database (an
    eHerkenning broker's discovery document), a counter. Marked, so the guard lets them pass."""
    token = _bookkeeping.set(True)
    try:
        yield
    finally:
        _bookkeeping.reset(token)


def in_service() -> bool:
    return bool(_frames.get())


def _verify(frame: _Frame, checks: list[str], records: list[str]) -> None:
    problems = []
    if not checks:
        problems.append("asked the authorisation module nothing")
    if not records and not frame.quiet:
        problems.append("wrote no audit event (nor said nothing_changed())")
    if not problems:
        return
    message = f"Service {frame.name} {' and '.join(problems)}"
    if settings.KNOOPPUNT_STRICT_DOORS:
        raise DoorError(message)
    logger.error(message)


def services() -> list[Service]:
    """Every registered service, after importing every app's `services` modules."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("services")
    return sorted(_SERVICES.values(), key=lambda s: s.name)


# --- no write outside a service ---------------------------------------------------------------

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w]+)"?', re.IGNORECASE)

# Bookkeeping that is not a change of state of the portal's own: the session store and the
# lockout counters (django-axes counts failed passwords before anyone is known).
EXEMPT_TABLES = {
    "django_session",
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
}


def _guard(execute, sql, params, many, context):
    match = _WRITE.match(sql)
    if (
        match
        and match.group(1).lower() not in EXEMPT_TABLES
        and not in_service()
        and not _bookkeeping.get()
        and not audit_services.sealing.get()
    ):
        raise DoorError(f"A write outside a service: {sql[:120]}")
    return execute(sql, params, many, context)


class GuardWritesMiddleware:
    """Refuse every write a request makes outside a service (the test suite turns it on)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with connection.execute_wrapper(_guard):
            return self.get_response(request)
