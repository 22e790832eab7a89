"""The NEN 7513 log of lookups: writing it, and proving it was not changed.

Every row of `Raadpleging` carries an HMAC (the audit trail's key) over its content, the
plain BSN included. The service call that writes rows records one event in the audit trail
with the number of rows, their `keten` (a random value the rows share) and an HMAC over their
HMACs in order. The audit trail is hash-chained, so a row edited, removed or added after the
fact no longer matches the chained event (`verify`). The log itself can then be purged after
its retention period without breaking any chain: an event whose rows are all older than the
retention period may have none left.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import connection
from django.utils import timezone

from knooppunt.access.principals import Principal
from knooppunt.audit.models import AuditEvent
from knooppunt.audit.services import record
from knooppunt.core import sql

from .models import Raadpleging

ACTION = "registertoets.raadpleging"


def _key() -> bytes:
    return settings.KNOOPPUNT_AUDIT_KEY.encode()


def row_mac(row: Raadpleging, bsn: str) -> str:
    stamp = row.timestamp
    content = [
        stamp.isoformat() if isinstance(stamp, datetime.datetime) else str(stamp),
        row.actor_kind,
        row.actor_id,
        row.actor_username,
        row.organisation_id,
        row.organisation_naam,
        row.bsn_hash,
        bsn,
        row.reden,
        row.peildatum.isoformat(),
        row.uitkomst,
        row.kanaal,
        row.keten,
    ]
    body = json.dumps(content, separators=(",", ":"), default=str)
    return hmac.new(_key(), body.encode(), hashlib.sha256).hexdigest()


def digest(macs: Iterable[str]) -> str:
    return hmac.new(_key(), "|".join(macs).encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Entry:
    bsn: str
    bsn_hash: str
    uitkomst: str


def organisation_of(principal: Principal) -> tuple[int | None, str]:
    subject = principal.subject
    organisation = getattr(subject, "organisation", None)
    if organisation is None and principal.organisation_id is not None:
        from knooppunt.organisations.models import Organisation

        organisation = Organisation.objects.filter(pk=principal.organisation_id).first()
    return principal.organisation_id, (organisation.naam if organisation is not None else "")


def write(
    principal: Principal,
    entries: Sequence[Entry],
    *,
    reden: str,
    peildatum: datetime.date,
    kanaal: str,
    request=None,
) -> list[Raadpleging]:
    """Log the lookups of one service call (inside it), and their digest in the audit trail."""
    organisation_id, organisation_naam = organisation_of(principal)
    now = timezone.now()
    keten = uuid.uuid4().hex
    rows = []
    for entry in entries:
        row = Raadpleging(
            timestamp=now,
            actor_kind=str(principal.kind),
            actor_id=principal.id,
            actor_username=principal.name[:150],
            organisation_id=organisation_id,
            organisation_naam=organisation_naam[:200],
            bsn_hash=entry.bsn_hash,
            bsn=entry.bsn,
            reden=reden,
            peildatum=peildatum,
            uitkomst=entry.uitkomst,
            kanaal=kanaal,
            keten=keten,
        )
        row.mac = row_mac(row, entry.bsn)
        rows.append(row)
    if len(rows) == 1:
        _insert(rows[0])  # every lookup: plain SQL, as the audit trail's own insert
    else:
        Raadpleging.objects.bulk_create(rows, batch_size=1000)
    details: dict = {
        "kanaal": kanaal,
        "reden": reden,
        "aantal": len(rows),
        "keten": keten,
        "digest": digest(r.mac for r in rows),
    }
    if len(rows) == 1:
        details["uitkomst"] = rows[0].uitkomst
    else:
        details["ja"] = sum(1 for r in rows if r.uitkomst == "ja")
    record(ACTION, actor=principal, request=request, organisation=organisation_id, details=details)
    return rows


_FIELDS = [f for f in Raadpleging._meta.concrete_fields if f.name != "id"]


@cache
def _insert_sql(vendor: str) -> str:
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in _FIELDS)
    marks = ", ".join(["%s"] * len(_FIELDS))
    return f"INSERT INTO {sql.table(Raadpleging)} ({names}) VALUES ({marks})"  # noqa: S608


def _insert(row: Raadpleging) -> None:
    values = [f.get_db_prep_save(getattr(row, f.attname), connection) for f in _FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor), values)


# --- verifying -------------------------------------------------------------------------------


@dataclass
class LogProblem:
    keten: str
    reason: str


def verify(now: datetime.datetime | None = None) -> list[LogProblem]:
    """Every group of log rows that does not match its audit event, and every row without one.
    Rows past the retention period may be gone (housekeeping purges them)."""
    now = now or timezone.now()
    purge_horizon = now - datetime.timedelta(days=settings.KNOOPPUNT_REGISTERTOETS_LOG_DAYS - 1)
    problems: list[LogProblem] = []
    known: set[str] = set()
    events = AuditEvent.objects.filter(action=ACTION).order_by("id")
    for event in events.iterator(chunk_size=2000):
        keten = str(event.details.get("keten", ""))
        known.add(keten)
        rows = list(Raadpleging.objects.filter(keten=keten).order_by("id"))
        expected = int(event.details.get("aantal", 0))
        if not rows and event.timestamp < purge_horizon:
            continue  # purged after the retention period, as it should be
        if len(rows) != expected:
            problems.append(
                LogProblem(keten, f"{expected} raadplegingen gelogd, {len(rows)} gevonden")
            )
            continue
        changed = [r.pk for r in rows if not hmac.compare_digest(r.mac, row_mac(r, r.bsn))]
        if changed:
            problems.append(LogProblem(keten, f"raadpleging(en) {changed} gewijzigd"))
        elif not hmac.compare_digest(
            str(event.details.get("digest", "")), digest(r.mac for r in rows)
        ):
            problems.append(LogProblem(keten, "de raadplegingen passen niet bij het logboek"))
    orphans = (
        Raadpleging.objects.exclude(keten__in=known).values_list("keten", flat=True).distinct()
        if len(known) < 10_000
        else _orphans_by_scan(known)
    )
    for keten in orphans:
        problems.append(LogProblem(keten, "raadpleging(en) zonder regel in het logboek"))
    return problems


def _orphans_by_scan(known: set[str]) -> list[str]:
    seen: set[str] = set()
    for keten in Raadpleging.objects.values_list("keten", flat=True).iterator(chunk_size=5000):
        if keten not in known:
            seen.add(keten)
    return sorted(seen)
