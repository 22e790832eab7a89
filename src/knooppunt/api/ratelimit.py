"""Rate-limit counters for the API: a sliding window estimated from two fixed windows (the
current one's hits plus the previous one's, weighted by how much of it still overlaps), as
Cloudflare describes it. One statement per call: an UPSERT into `api_ratecounter`, or, when
KNOOPPUNT_REDIS_URL is set, one pipelined round trip to Redis (docs/decisions.md).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import connection

from knooppunt.core import sql

from .models import RateCounter


def credential_key(credential_id: int, scope: str = "default") -> str:
    """The counter of one credential's calls in one scope (api.throttling)."""
    return f"credential:{credential_id}:{scope}"


def credential_key_sql(id_column: str) -> str:
    """The same key of the default scope as an SQL expression over a column of credential ids:
    the authentication reads the counter with the key's row (api.authentication.lookup)."""
    return f"'credential:' || {id_column} || ':default'"


@dataclass(frozen=True)
class Hit:
    hits: int  # in the current window, this call included
    previous_hits: int  # in the window before it
    window_start: int
    window: int

    def estimate(self, now: float) -> float:
        """Calls in the last `window` seconds, estimated."""
        elapsed = (now - self.window_start) / self.window
        return self.hits + self.previous_hits * max(0.0, 1.0 - elapsed)

    def retry_after(self, now: float, limit: int) -> int:
        """Seconds until the estimate drops below `limit` again (at least 1)."""
        end = self.window_start + self.window
        if self.hits >= limit:
            return max(1, math.ceil(end - now))
        # The previous window's weight must fall until hits + previous * (1 - e) < limit.
        if self.previous_hits:
            needed = 1.0 - (limit - self.hits) / self.previous_hits
            moment = self.window_start + max(0.0, needed) * self.window
            return max(1, math.ceil(moment - now))
        return 1


def peek(stored: tuple[int, int, int] | None, window: int, now: float) -> Hit:
    """The Hit that one more call would make of a stored row (hits, previous hits, window
    start; None for no row yet), by the rules of the UPSERT below, without writing it."""
    start = int(now // window) * window
    if stored is None:
        return Hit(1, 0, start, window)
    hits, previous, stored_start = stored
    if stored_start >= start:
        return Hit(hits + 1, previous, stored_start, window)
    return Hit(1, hits if stored_start + window == start else 0, start, window)


# On PostgreSQL the counter of a call is added in the transaction of the call's audit event,
# which it also tells not to wait for the disk (api.services.record_call): one statement.
_LAZY_COMMIT = "WITH lazy AS (SELECT set_config('synchronous_commit', 'off', true)) "


@cache
def _upsert_sql(vendor: str, lazy_commit: bool = False) -> str:
    t = sql.table(RateCounter)
    key, start = sql.column(RateCounter, "key"), sql.column(RateCounter, "window_start")
    hits, prev = sql.column(RateCounter, "hits"), sql.column(RateCounter, "previous_hits")
    # Same window: one more hit. The next window: the old hits become the previous ones. A
    # later window: both start afresh. A call whose clock lags a window behind counts in the
    # newer one.
    values = "VALUES (%s, %s, 1, 0)"
    if lazy_commit and vendor == "postgresql":
        values = "SELECT %s, %s, 1, 0 FROM lazy"
    return (
        f"{_LAZY_COMMIT if lazy_commit and vendor == 'postgresql' else ''}"
        f"INSERT INTO {t} ({key}, {start}, {hits}, {prev}) {values} "  # noqa: S608
        f"ON CONFLICT ({key}) DO UPDATE SET "
        f"{prev} = CASE WHEN {t}.{start} >= excluded.{start} THEN {t}.{prev} "
        f"WHEN {t}.{start} + %s = excluded.{start} THEN {t}.{hits} ELSE 0 END, "
        f"{hits} = CASE WHEN {t}.{start} >= excluded.{start} THEN {t}.{hits} + 1 ELSE 1 END, "
        f"{start} = CASE WHEN {t}.{start} >= excluded.{start} THEN {t}.{start} "
        f"ELSE excluded.{start} END "
        f"RETURNING {hits}, {prev}, {start}"
    )


class DatabaseStore:
    def hit(self, key: str, window: int, now: float, *, lazy_commit: bool = False) -> Hit:
        """Count one call. `lazy_commit`: on PostgreSQL the same statement sets the
        transaction's synchronous_commit off (the caller's transaction must be open)."""
        start = int(now // window) * window
        with connection.cursor() as cursor:
            cursor.execute(_upsert_sql(connection.vendor, lazy_commit), [key, start, window])
            hits, previous, window_start = cursor.fetchone()
        return Hit(hits, previous, window_start, window)


_REDIS_SCRIPT = """
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local previous = redis.call('GET', KEYS[2])
return {current, tonumber(previous) or 0}
"""


class RedisStore:
    """Counters in Redis: one key per fixed window, expiring after two windows."""

    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.script = self.client.register_script(_REDIS_SCRIPT)

    def hit(self, key: str, window: int, now: float) -> Hit:
        start = int(now // window) * window
        base = f"knooppunt:api:{key}:"
        current, previous = self.script(
            keys=[f"{base}{start}", f"{base}{start - window}"], args=[2 * window]
        )
        return Hit(int(current), int(previous), start, window)


@cache
def store() -> DatabaseStore | RedisStore:
    url = settings.KNOOPPUNT_REDIS_URL
    return RedisStore(url) if url else DatabaseStore()


def hit(key: str, window: int, now: float | None = None) -> Hit:
    return store().hit(key, window, time.time() if now is None else now)
