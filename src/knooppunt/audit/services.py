"""Writing and verifying the audit chain. Every audited change calls `record()` inside its own
transaction, so the event exists exactly when the change does."""

import hashlib
import hmac
import json
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils import timezone

from knooppunt.core import sql
from knooppunt.core.http import client_ip

from .models import AuditChainHead, AuditEvent, Outcome

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "timestamp",
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
)


def _digest(event: AuditEvent, prev_hash: str) -> str:
    payload = {name: getattr(event, name) for name in CHAINED_FIELDS}
    payload["timestamp"] = event.timestamp.isoformat()
    payload["id"] = event.pk
    body = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    key = settings.KNOOPPUNT_AUDIT_KEY.encode()
    return hmac.new(key, f"{prev_hash}|{body}".encode(), hashlib.sha256).hexdigest()


_EVENT_FIELDS = AuditEvent._meta.concrete_fields


@cache
def _statements() -> dict[str, str]:
    """Plain SQL: two events per login, each compiled anew by the ORM would cost more than the
    three statements themselves (core.sql). Names from the models, values as parameters."""
    head, event = sql.table(AuditChainHead), sql.table(AuditEvent)
    last_id, last_hash = (
        sql.column(AuditChainHead, "last_id"),
        sql.column(AuditChainHead, "last_hash"),
    )
    count = sql.column(AuditChainHead, "count")
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    names = ", ".join(connection.ops.quote_name(f.column) for f in _EVENT_FIELDS)
    marks = ", ".join(["%s"] * len(_EVENT_FIELDS))
    return {
        "head": f"SELECT {last_id}, {last_hash} FROM {head} WHERE id = 1{lock}",  # noqa: S608
        "insert": f"INSERT INTO {event} ({names}) VALUES ({marks})",  # noqa: S608
        "advance": (
            f"UPDATE {head} SET {last_id} = %s, {last_hash} = %s, {count} = {count} + 1 "  # noqa: S608
            "WHERE id = 1"
        ),
    }


def _lock_head(cursor) -> tuple[int, str]:
    cursor.execute(_statements()["head"])
    row = cursor.fetchone()
    if row is None:  # an empty database (the migration creates the row; a test flush removes it)
        AuditChainHead.objects.get_or_create(pk=1)
        cursor.execute(_statements()["head"])
        row = cursor.fetchone()
    return row[0], row[1]


def record(
    action: str,
    *,
    actor=None,
    request=None,
    organisation=None,
    target=None,
    outcome: str = Outcome.SUCCESS,
    details: dict | None = None,
    actor_username: str = "",
) -> AuditEvent:
    """Append one event to the chain. `target` is any model instance the event is about."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if organisation is None and actor is not None:
        organisation = getattr(actor, "organisation", None)
    org_id = (
        organisation if isinstance(organisation, int) or organisation is None else organisation.pk
    )
    event = AuditEvent(
        timestamp=timezone.now(),
        actor_id=getattr(actor, "pk", None),
        actor_username=getattr(actor, "username", "") or actor_username,
        organisation_id=org_id,
        action=action,
        object_type=target._meta.model_name if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        ip_address=client_ip(request),
        outcome=outcome,
        details=details or {},
    )
    # No savepoint of its own: an event belongs to its caller's transaction, and a failure here
    # must fail the caller's change as well (one round trip less per event, too).
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        # The head row serialises writers, so the chain stays one line even under concurrency.
        last_id, last_hash = _lock_head(cursor)
        # Ids are assigned here, under the lock, so they are gapless: a gap is a deleted record.
        event.pk = last_id + 1
        event.prev_hash = last_hash
        event.hash = _digest(event, last_hash)
        statements = _statements()
        cursor.execute(
            statements["insert"],
            [f.get_db_prep_save(getattr(event, f.attname), connection) for f in _EVENT_FIELDS],
        )
        cursor.execute(statements["advance"], [event.pk, event.hash])
    event._state.adding, event._state.db = False, DEFAULT_DB_ALIAS
    return event


@dataclass
class ChainProblem:
    event_id: int | None
    reason: str


def verify_chain() -> ChainProblem | None:
    """Return the first broken link, or None when the whole chain is intact."""
    prev_hash, count, last_id = GENESIS, 0, 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.pk != last_id + 1 or event.prev_hash != prev_hash:
            return ChainProblem(event.pk, "de vorige regel ontbreekt of is gewijzigd")
        if not hmac.compare_digest(event.hash, _digest(event, prev_hash)):
            return ChainProblem(event.pk, "de inhoud van deze regel is gewijzigd")
        prev_hash, count, last_id = event.hash, count + 1, event.pk
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        return None if count == 0 else ChainProblem(None, "de kop van de keten ontbreekt")
    if head.last_hash != prev_hash or head.count != count:
        return ChainProblem(head.last_id, "de laatste regel(s) van de keten ontbreken")
    return None
