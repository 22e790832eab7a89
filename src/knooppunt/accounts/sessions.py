"""Django's database sessions, read and written with plain SQL, and fewer statements at a login.

The session data stays in Django's `django_session` table (SPEC 10: no state in process memory);
only the statements differ. Every request reads the session and a login writes it twice, so
those statements are written once here instead of being compiled by the ORM each time
(`knooppunt.core.sql`).
"""

import secrets
from contextlib import nullcontext
from functools import cache

from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from knooppunt.core import sql


class SessionStore(DatabaseSessionStore):
    @property
    def _sql(self) -> dict[str, str]:
        return _statements(self.model)

    def load(self) -> dict:
        if not self._validate_session_key(self.session_key):  # type: ignore[attr-defined]
            self._session_key = None
            return {}
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(self._sql["load"], [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])

    def exists(self, session_key) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(self._sql["exists"], [session_key])
            return cursor.fetchone() is not None

    def _get_new_session_key(self) -> str:
        # 160 random bits as 40 hexadecimal characters (the column's width, and characters of
        # Django's VALID_KEY_CHARS) from one call to the operating system's generator; Django's
        # get_random_string makes one call per character. Django also first asks the database
        # whether the key is taken: a collision is practically impossible, and create() retries
        # on the unique key's IntegrityError anyway, so that query is skipped.
        return secrets.token_hex(20)

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        data = self.encode(self._get_session(no_load=must_create))  # type: ignore[attr-defined]
        expires = connection.ops.adapt_datetimefield_value(self.get_expiry_date())
        # One statement is atomic by itself; inside a transaction (a test, a view that saves the
        # session itself) a savepoint keeps a failure from breaking the caller's transaction.
        atomic = transaction.atomic() if connection.in_atomic_block else nullcontext()
        try:
            with atomic, connection.cursor() as cursor:
                if must_create:
                    cursor.execute(self._sql["insert"], [self.session_key, data, expires])
                else:
                    cursor.execute(self._sql["update"], [data, expires, self.session_key])
                    if cursor.rowcount != 1:
                        raise UpdateError  # the session ended meanwhile (logout elsewhere)
        except IntegrityError:
            if must_create:
                raise CreateError from None
            raise
        except DatabaseError:
            if not must_create:
                raise UpdateError from None
            raise

    def delete(self, session_key=None) -> None:
        # One DELETE instead of a SELECT and a DELETE (at every login the old id is removed).
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        with connection.cursor() as cursor:
            cursor.execute(self._sql["delete"], [session_key])

    def cycle_key(self) -> None:
        # Django inserts the row under the new id at once, and the end of the request then
        # writes it again with what the request added (at a login: the user). Here the old row
        # goes at once and the new id with its row comes with that one write; until then the
        # session has no id, so nothing can be stored under the old one.
        data = self._session  # type: ignore[attr-defined]
        key = self.session_key
        self._session_key = None
        self._session_cache = data
        self.modified = True
        if key:
            self.delete(key)


@cache
def _statements(model) -> dict[str, str]:
    """The store's SQL, built once per process (a store is made for every request)."""
    name, key = sql.table(model), sql.column(model, "session_key")
    data, expires = sql.column(model, "session_data"), sql.column(model, "expire_date")
    # Names from the model, values as parameters (core.sql).
    return {
        "load": f"SELECT {data} FROM {name} WHERE {key} = %s AND {expires} > %s",  # noqa: S608
        "insert": f"INSERT INTO {name} ({key}, {data}, {expires}) VALUES (%s, %s, %s)",  # noqa: S608
        "update": f"UPDATE {name} SET {data} = %s, {expires} = %s WHERE {key} = %s",  # noqa: S608
        "delete": f"DELETE FROM {name} WHERE {key} = %s",  # noqa: S608
        "exists": f"SELECT 1 FROM {name} WHERE {key} = %s",  # noqa: S608
    }
