"""Django's database sessions, refusing session keys it could never have issued.

A cookie such as ``sessionid="\\x00aaaaaaaa"`` would otherwise reach PostgreSQL, which
rejects NUL bytes with a DataError (a 500). Such a key is treated as no session at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.sessions.base_session import AbstractBaseSession

SESSION_KEY_CHARS = frozenset(VALID_KEY_CHARS)
SESSION_KEY_MAX_LENGTH = 40  # django_session.session_key


def session_key_is_valid(key: object) -> bool:
    """Whether ``key`` could be one of Django's session keys (lower-case letters, digits)."""
    return (
        isinstance(key, str)
        and 8 <= len(key) <= SESSION_KEY_MAX_LENGTH
        and SESSION_KEY_CHARS.issuperset(key)
    )


class SessionStore(DatabaseSessionStore):
    """Database sessions whose keys are checked before any query."""

    def _validate_session_key(self, key: str | None) -> bool:
        return session_key_is_valid(key)

    def exists(self, session_key: str) -> bool:
        return session_key_is_valid(session_key) and super().exists(session_key)

    def _get_session_from_db(self) -> AbstractBaseSession | None:
        """As Django's: the unexpired session with this key, else None and no key. Written
        out because every page that reads the session runs it, and building it through the
        ORM took longer than running it."""
        if self.session_key is None:  # no cookie, or one that is no key (see above)
            return None
        connection = connections[router.db_for_read(self.model)]
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data, expire_date FROM {table} "
                "WHERE session_key = %s AND expire_date > %s",
                [self.session_key, timezone.now()],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=row[0], expire_date=row[1])
