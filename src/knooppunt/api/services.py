"""The webservice's own doors: the audit event of every authenticated call (with the trace id of
the call, from `request.trace_id`), the refusals of keys and the moments a limit is reached.
The refusals are recorded at most once a minute per client address and reason, so that a flood
of bad keys cannot flood the audit trail; the next event says how many were left out."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from knooppunt.access import rules
from knooppunt.access.principals import ANONYMOUS, Principal
from knooppunt.audit.models import Outcome
from knooppunt.audit.services import record
from knooppunt.core import sql
from knooppunt.core.doors import nothing_changed, service
from knooppunt.core.http import client_ip
from knooppunt.products.models import Credential

from . import ratelimit

REFUSAL_WINDOW = 60  # seconds: one refusal event per address and reason in this time
LAST_USED_GRANULARITY = 60  # seconds: last_used_at is this precise, and saves that much writing


def _django_request(request):
    return getattr(request, "_request", request)


@service(rule="webservice.record_call", audit=("webservice.call",))
def record_call(
    principal: Principal,
    request,
    *,
    status: int,
    route: str,
    count: tuple[str, int, float] | None = None,
) -> None:
    """One event per authenticated call that wrote none of its own; in the same transaction
    the call is added to its rate counter (`count`: key, window, moment, from api.throttling)
    and the credential's last use (when and from where) is kept up to date."""
    rules.require(principal, "webservice.record_call")
    credential: Credential = principal.subject
    django_request = _django_request(request)
    details = {
        "method": request.method,
        "route": route,
        "status": status,
        "key": getattr(django_request, "api_key_used", ""),
    }
    problem = getattr(request, "_problem", None)
    if problem:
        details["problem"] = problem
    # This event records a call that changed nothing (a handler that changes something writes
    # its own events, durably): on PostgreSQL its commit does not wait for the disk. A crash of
    # the database server may lose the last fraction of a second of them, never more and never
    # the order of the chain (docs/decisions.md). The counter's statement says so as well.
    if count is not None:
        ratelimit.DatabaseStore().hit(*count, lazy_commit=True)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    record(
        "webservice.call",
        actor=principal,
        request=django_request,
        organisation=credential.organisation_id,
        target=credential,
        outcome=Outcome.SUCCESS if status < 400 else Outcome.FAILURE,
        details=details,
    )
    _touch(credential, client_ip(django_request))


def _stale(credential: Credential, address: str | None, now) -> bool:
    return (
        credential.last_used_at is None
        or credential.last_used_ip != address
        or (now - credential.last_used_at).total_seconds() >= LAST_USED_GRANULARITY
    )


def _touch(credential: Credential, address: str | None) -> None:
    """Last used on/from: written when the address changed or the stored moment is older than
    LAST_USED_GRANULARITY, so that a busy credential costs no UPDATE on most calls."""
    now = timezone.now()
    if not _stale(credential, address, now):
        return
    credential.last_used_at, credential.last_used_ip = now, address
    sql.update(credential, "last_used_at", "last_used_ip")


@service(rule="webservice.record_refusal", audit=("webservice.refused",))
def record_refusal(request, reason: str, credential: Credential | None = None) -> None:
    rules.require(ANONYMOUS, "webservice.record_refusal")
    django_request = _django_request(request)
    address = client_ip(django_request) or "-"
    counted = ratelimit.hit(f"refused:{address}:{reason}"[:100], REFUSAL_WINDOW)
    if counted.hits != 1:
        nothing_changed()
        return
    header = django_request.META.get("HTTP_AUTHORIZATION", "")
    prefix = header.partition(" ")[2].strip().partition(".")[0][:16]
    details = {
        "reason": reason,
        "prefix": prefix if prefix.isalnum() else "",
        "method": django_request.method,
        "path": django_request.path[:200],
    }
    if counted.previous_hits > 1:
        details["suppressed"] = counted.previous_hits - 1
    record(
        "webservice.refused",
        actor=ANONYMOUS,
        request=django_request,
        organisation=credential.organisation_id if credential is not None else None,
        target=credential,
        outcome=Outcome.DENIED,
        details=details,
    )


@service(rule="webservice.record_call", audit=("webservice.throttled",))
def record_throttled(principal: Principal, request, *, limit: int, window: int) -> None:
    """The first call over the limit in a window is recorded; the rest only get their 429."""
    rules.require(principal, "webservice.record_call")
    record(
        "webservice.throttled",
        actor=principal,
        request=_django_request(request),
        organisation=principal.organisation_id,
        target=principal.subject,
        outcome=Outcome.DENIED,
        details={"limit": limit, "window": window},
    )


def database_reachable() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() is not None
