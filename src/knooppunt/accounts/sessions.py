"""Django's database sessions, with fewer queries for a new session id (a login makes two).

The session data stays in the database (SPEC 10: no state in process memory).
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    def _get_new_session_key(self) -> str:
        # Django first asks the database whether a fresh random key is taken. With 32 characters
        # from 36 a collision is practically impossible, and create() retries on the unique
        # key's IntegrityError anyway, so that query is skipped.
        return get_random_string(32, VALID_KEY_CHARS)

    def delete(self, session_key=None) -> None:
        # One DELETE instead of a SELECT and a DELETE (at every login the old id is removed).
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self.model.objects.filter(session_key=session_key).delete()

    def cycle_key(self) -> None:
        # Django inserts the row under the new id at once, and the end of the request then
        # writes it again with what the request added (at a login: the user). Here the old row
        # goes at once and the new id with its row comes with that one write; until then the
        # session has no id, so nothing can be stored under the old one.
        data = self._session
        key = self.session_key
        self._session_key = None
        self._session_cache = data
        self.modified = True
        if key:
            self.delete(key)
