"""Whether an error means the database cannot be reached (down, restarting, refusing, its file
gone) rather than that a statement was wrong: the first is a 503 with Retry-After, the second a
500 (core.errors)."""

from __future__ import annotations

import sqlite3

from django.db import utils

# PostgreSQL's SQLSTATE classes and codes of a server that is away or full: connection exception
# (08), insufficient resources (53: too many connections, out of memory or disk), and admin/crash
# shutdown or "the database system is starting up" (57P01-57P03).
_POSTGRESQL_CLASSES = ("08", "53")
_POSTGRESQL_CODES = {"57P01", "57P02", "57P03"}
# SQLite: the file cannot be opened or read, or another process holds it too long.
_SQLITE_CODES = {
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_NOTADB,
}


def database_unavailable(exc: BaseException | None) -> bool:
    """True when `exc` (or what it wraps) says the database is not there to be asked."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if _says_unavailable(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _says_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.Error):
        return getattr(exc, "sqlite_errorcode", None) in _SQLITE_CODES
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    if isinstance(exc, psycopg.Error):
        if isinstance(exc, psycopg.InterfaceError):
            return True  # the connection is closed or broken
        if isinstance(exc, psycopg.OperationalError):
            state = exc.sqlstate
            # No SQLSTATE: the client could not reach the server, or lost it mid-statement.
            return state is None or state[:2] in _POSTGRESQL_CLASSES or state in _POSTGRESQL_CODES
        return False
    # Django's own wrapper without a driver error behind it (a closed connection it noticed).
    return isinstance(exc, utils.InterfaceError)
