"""Django's database sessions, refusing session keys it could never have issued.

A cookie such as ``sessionid="\\x00aaaaaaaa"`` would otherwise reach PostgreSQL, which
rejects NUL bytes with a DataError (a 500). Such a key is treated as no session at all.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

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
