"""Writing, sealing and verifying the audit trail.

Every audited change calls `record()` inside its own transaction, so the event exists exactly
when the change does. `record()` takes no lock: the event carries a MAC over its content and no
place in the chain yet. The job worker's sealer (`knooppunt worker`, every
KNOOPPUNT_AUDIT_SEAL_INTERVAL seconds) gives committed events their gapless place in the chain in
a short transaction of its own; only that step holds the head row, for a few milliseconds
(docs/decisions.md). With KNOOPPUNT_AUDIT_SEAL_ON_COMMIT the request seals right after its own
commit as well.
"""

from __future__ import annotations

import contextvars
import datetime
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.utils import timezone

from knooppunt.access.principals import Actor, ActorKind, as_principal
from knooppunt.core import sql
from knooppunt.core.http import client_ip

from . import registry
from .models import AuditChainHead, AuditEvent, Outcome

GENESIS = "0" * 64
CONTENT_FIELDS = (
    "timestamp",
    "actor_kind",
    "actor_id",
    "actor_username",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "ip_address",
    "outcome",
    "details",
    "trace_id",
)
SEAL_BATCH = 500

checkpoints = logging.getLogger("knooppunt.audit.checkpoints")

# The actions recorded in the current service call (see core.doors).
recorded: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "knooppunt_recorded", default=None
)


# Set while the sealing step writes: it runs after a service's commit, outside the service.
sealing: contextvars.ContextVar[bool] = contextvars.ContextVar("knooppunt_sealing", default=False)


def _key() -> bytes:
    return settings.KNOOPPUNT_AUDIT_KEY.encode()


def content_mac(values: dict[str, Any]) -> str:
    """HMAC over an event's content, with the timestamp as ISO text and JSON sorted by key."""
    payload = dict(values)
    stamp = payload["timestamp"]
    payload["timestamp"] = stamp.isoformat() if isinstance(stamp, datetime.datetime) else stamp
    body = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hmac.new(_key(), body.encode(), hashlib.sha256).hexdigest()


def _event_mac(event: AuditEvent) -> str:
    return content_mac({name: getattr(event, name) for name in CONTENT_FIELDS})


def chain_hash(prev_hash: str, seq: int, event_id: int, mac: str) -> str:
    message = f"{prev_hash}|{seq}|{event_id}|{mac}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def head_mac(last_seq: int, last_hash: str) -> str:
    return hmac.new(_key(), f"head|{last_seq}|{last_hash}".encode(), hashlib.sha256).hexdigest()


# --- writing ---------------------------------------------------------------------------------

_INSERT_FIELDS = [f for f in AuditEvent._meta.concrete_fields if f.name not in ("id",)]
_INSERT_COLUMNS = [str(f.column) for f in _INSERT_FIELDS]


@cache
def _insert_sql(vendor: str) -> str:
    """Plain SQL (core.sql): every login writes two events. Names from the model."""
    names = ", ".join(connection.ops.quote_name(c) for c in _INSERT_COLUMNS)
    marks = ", ".join(["%s"] * len(_INSERT_FIELDS))
    pk = connection.ops.quote_name(str(AuditEvent._meta.pk.column))
    return f"INSERT INTO {sql.table(AuditEvent)} ({names}) VALUES ({marks}) RETURNING {pk}"  # noqa: S608


def record(
    action: str,
    *,
    actor: Actor = None,
    request=None,
    organisation=None,
    target=None,
    outcome: str = Outcome.SUCCESS,
    details: dict | None = None,
    actor_username: str = "",
) -> AuditEvent:
    """Write one event in the caller's transaction. `action` must be registered
    (`audit.registry`); `target` is any model instance the event is about."""
    registry.get(action)  # raises UnregisteredAction
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    principal = as_principal(actor)
    if organisation is None and principal.organisation_id is not None:
        organisation = principal.organisation_id
    org_id = (
        organisation if isinstance(organisation, int) or organisation is None else organisation.pk
    )
    event = AuditEvent(
        timestamp=timezone.now(),
        actor_kind=principal.kind if principal.kind != ActorKind.ANONYMOUS else "",
        actor_id=principal.id,
        actor_username=(principal.name or actor_username)[:150],
        organisation_id=org_id,
        action=action,
        object_type=target._meta.model_name if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        ip_address=client_ip(request),
        outcome=outcome,
        details=details or {},
        trace_id=(getattr(request, "trace_id", "") or "")[:32] if request is not None else "",
    )
    event.mac = _event_mac(event)
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in _INSERT_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor), values)
        event.pk = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, DEFAULT_DB_ALIAS
    if settings.KNOOPPUNT_AUDIT_SEAL_ON_COMMIT:
        _seal_after_commit()
    seen = recorded.get()
    if seen is not None:
        seen.append(action)
    return event


def _seal_after_commit() -> None:
    """Once per transaction: seal right after the commit (a no-op on rollback)."""
    if connection.in_atomic_block and any(
        entry[1] is seal_pending for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(seal_pending, robust=True)


# --- sealing ---------------------------------------------------------------------------------


@cache
def _seal_statements(vendor: str) -> dict[str, str]:
    head, event = sql.table(AuditChainHead), sql.table(AuditEvent)
    col = lambda model, name: sql.column(model, name)  # noqa: E731
    features = connection.features
    lock = ""
    if features.has_select_for_update:
        lock = " FOR UPDATE SKIP LOCKED" if features.has_select_for_update_skip_locked else ""
    seq, ident = col(AuditEvent, "seq"), col(AuditEvent, "id")
    return {
        "head": (
            f"SELECT {col(AuditChainHead, 'last_seq')}, {col(AuditChainHead, 'last_hash')} "  # noqa: S608
            f"FROM {head} WHERE id = 1{lock}"
        ),
        "head_wait": (
            f"SELECT {col(AuditChainHead, 'last_seq')}, {col(AuditChainHead, 'last_hash')} "  # noqa: S608
            f"FROM {head} WHERE id = 1{' FOR UPDATE' if features.has_select_for_update else ''}"
        ),
        "pending": (
            f"SELECT {ident}, {col(AuditEvent, 'mac')} FROM {event} "  # noqa: S608
            f"WHERE {seq} IS NULL ORDER BY {ident} LIMIT %s"
        ),
        "any_pending": f"SELECT 1 FROM {event} WHERE {seq} IS NULL LIMIT 1",  # noqa: S608
        "chain": (
            f"UPDATE {event} SET {seq} = %s, {col(AuditEvent, 'prev_hash')} = %s, "  # noqa: S608
            f"{col(AuditEvent, 'hash')} = %s, {col(AuditEvent, 'sealed_at')} = %s "
            f"WHERE {ident} = %s"
        ),
        "advance": (
            f"UPDATE {head} SET {col(AuditChainHead, 'last_seq')} = %s, "  # noqa: S608
            f"{col(AuditChainHead, 'last_hash')} = %s, {col(AuditChainHead, 'mac')} = %s, "
            f"{col(AuditChainHead, 'sealed_at')} = %s WHERE id = 1"
        ),
    }


def seal(*, wait: bool = False, limit: int = SEAL_BATCH) -> int | None:
    """Give committed, unchained events their place in the chain, in one short transaction.

    Returns how many were sealed, or None when another process holds the head right now (it
    looks again after it lets go, so nothing is left behind). `wait` blocks for the head instead.
    """
    token = sealing.set(True)
    try:
        return _seal(wait, limit)
    finally:
        sealing.reset(token)


def _seal(wait: bool, limit: int) -> int | None:
    statements = _seal_statements(connection.vendor)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statements["head_wait" if wait else "head"])
        row = cursor.fetchone()
        if row is None:
            if AuditChainHead.objects.filter(pk=1).exists():
                return None  # locked by another sealer
            try:  # an empty database (the migration makes the row; a test flush removes it)
                with transaction.atomic():
                    AuditChainHead.objects.create(pk=1, mac=head_mac(0, GENESIS))
            except IntegrityError:
                return None  # another sealer made it a moment ago
            row = (0, GENESIS)
        last_seq, last_hash = row
        cursor.execute(statements["pending"], [limit])
        pending = cursor.fetchall()
        if not pending:
            return 0
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        updates = []
        for event_id, mac in pending:
            last_seq += 1
            digest = chain_hash(last_hash, last_seq, event_id, mac)
            updates.append((last_seq, last_hash, digest, now, event_id))
            last_hash = digest
        cursor.executemany(statements["chain"], updates)
        cursor.execute(
            statements["advance"], [last_seq, last_hash, head_mac(last_seq, last_hash), now]
        )
    checkpoints.info("audit sealed up to %s %s", last_seq, last_hash)
    return len(pending)


def has_unsealed() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(_seal_statements(connection.vendor)["any_pending"])
        return cursor.fetchone() is not None


def seal_pending(rounds: int = 5) -> int:
    """After a commit: seal what is waiting. When another process holds the head, it seals ours
    (it re-reads after letting go); the periodic job catches anything left after the rounds."""
    total = 0
    for _round in range(rounds):
        sealed = seal()
        if sealed is None:
            return total
        total += sealed
        if sealed < SEAL_BATCH and not has_unsealed():
            return total
    return total


# --- verifying -------------------------------------------------------------------------------


@dataclass
class ChainProblem:
    event_id: int | None
    reason: str


def verify(now: datetime.datetime | None = None) -> list[ChainProblem]:
    """Every broken link, in chain order: an edited record, a missing one (by its successor),
    a cut-off tail, a forged head, and events left unsealed longer than the bound."""
    problems: list[ChainProblem] = []
    prev_hash, expected = GENESIS, 1
    sealed = AuditEvent.objects.filter(seq__isnull=False).order_by("seq")
    for event in sealed.iterator(chunk_size=2000):
        assert event.seq is not None  # the filter
        if event.seq != expected:
            problems.append(
                ChainProblem(event.pk, "de regel(s) vóór deze ontbreken (volgnummer verspringt)")
            )
        elif event.prev_hash != prev_hash:
            problems.append(ChainProblem(event.pk, "de vorige regel ontbreekt of is gewijzigd"))
        if not hmac.compare_digest(event.mac, _event_mac(event)):
            problems.append(ChainProblem(event.pk, "de inhoud van deze regel is gewijzigd"))
        elif not hmac.compare_digest(
            event.hash, chain_hash(event.prev_hash, event.seq, event.pk, event.mac)
        ):
            problems.append(ChainProblem(event.pk, "de schakel van deze regel is gewijzigd"))
        prev_hash, expected = event.hash, event.seq + 1
    last_seq = expected - 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        if last_seq:
            problems.append(ChainProblem(None, "de kop van de keten ontbreekt"))
    elif not hmac.compare_digest(head.mac or "", head_mac(head.last_seq, head.last_hash)):
        problems.append(ChainProblem(None, "de kop van de keten is gewijzigd"))
    elif head.last_seq > last_seq:
        problems.append(
            ChainProblem(None, f"de laatste regel(s) van de keten ontbreken (na {last_seq})")
        )
    elif head.last_seq < last_seq or head.last_hash != prev_hash:
        problems.append(ChainProblem(None, "de kop van de keten past niet bij de laatste regel"))
    bound = (now or timezone.now()) - datetime.timedelta(
        seconds=settings.KNOOPPUNT_AUDIT_SEAL_SECONDS
    )
    for event in AuditEvent.objects.filter(seq__isnull=True).order_by("id").iterator():
        if not hmac.compare_digest(event.mac, _event_mac(event)):
            problems.append(ChainProblem(event.pk, "de inhoud van deze regel is gewijzigd"))
        elif event.timestamp < bound:
            problems.append(
                ChainProblem(
                    event.pk,
                    "deze regel is nog niet in de keten opgenomen, langer dan "
                    f"{settings.KNOOPPUNT_AUDIT_SEAL_SECONDS} seconden",
                )
            )
    return problems


def verify_chain(now: datetime.datetime | None = None) -> ChainProblem | None:
    """The first broken link, or None when the whole trail is intact."""
    problems = verify(now)
    return problems[0] if problems else None
