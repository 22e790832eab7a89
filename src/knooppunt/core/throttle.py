"""Rate limits that hold across processes: a counter per key and fixed window in the database,
raised with one atomic upsert (INSERT ... ON CONFLICT DO UPDATE) on SQLite and PostgreSQL.

    verdict = throttle.hit("password-reset:address:192.0.2.1", limit=10, window=3600)
    if not verdict.allowed: ...  # verdict.retry_after seconds
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache

from django.db import connection

from knooppunt.core import sql

from .models import RateCounter


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    hits: int
    retry_after: int  # seconds until the window ends (0 when allowed)


@cache
def _upsert_sql(vendor: str) -> str:
    table = sql.table(RateCounter)
    key, window, hits = (sql.column(RateCounter, n) for n in ("key", "window", "hits"))
    return (
        f"INSERT INTO {table} ({key}, {window}, {hits}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({key}, {window}) DO UPDATE SET {hits} = {table}.{hits} + 1 "
        f"RETURNING {hits}"
    )


def hit(key: str, *, limit: int, window: int, now: float | None = None) -> Verdict:
    """Count one hit of `key`; allowed while the window holds at most `limit` hits."""
    now = time.time() if now is None else now
    start = int(now // window * window)
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(connection.vendor), [key[:200], start])
        hits = cursor.fetchone()[0]
    allowed = hits <= limit
    return Verdict(allowed, hits, 0 if allowed else max(1, int(start + window - now)))


def peek(key: str, *, window: int, now: float | None = None) -> int:
    """The hits of `key` in the current window, without counting one."""
    now = time.time() if now is None else now
    start = int(now // window * window)
    row = RateCounter.objects.filter(key=key[:200], window=start).values_list("hits", flat=True)
    return row.first() or 0


def forget_old(now: float | None = None, keep_seconds: int = 86400) -> int:
    """Housekeeping: counters of windows that started more than a day ago."""
    now = time.time() if now is None else now
    deleted, _ = RateCounter.objects.filter(window__lt=int(now - keep_seconds)).delete()
    return deleted
