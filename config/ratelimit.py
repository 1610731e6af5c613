"""Who a client is, and how often it may create results.

The client is ``REMOTE_ADDR``, or with ``NUM_PROXIES`` trusted reverse proxies in front (the
``TRUSTED_PROXY_COUNT`` environment variable), the address the outermost of them saw
(``X-Forwarded-For`` counted from the right, since a client can write anything at its left
end). The advisers' login lock-outs use the same address (``AXES_CLIENT_IP_CALLABLE``).
Counts live in the shared cache, so every worker process sees the same numbers.

Only a request that is about to create a result is counted: a view calls
``result_create_limit(request)`` right before it creates one, so posting unfinished answers
costs nothing.

When the shared cache fails (Redis down, refusing or not answering within REDIS_TIMEOUT) the
limit fails open: the result is created and a warning naming the cache error is logged. A
missing limit for a while is better than nobody getting a result.
"""

from __future__ import annotations

import base64
import functools
import ipaddress
import logging
import pickle
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RESULT_CREATE_GROUP = "result-create"
# What a failing shared cache raises: redis-py's connection and timeout errors, and socket
# errors. A database cache's errors are not here: a database that fails fails the request.
CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError, OSError)


def client_ip(request: HttpRequest) -> str:
    """The client's address as the nearest trusted proxy (or the socket) saw it."""
    # No socket address (in-process test clients): an address the lock-out log accepts.
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"
    proxies = settings.NUM_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return forwarded[0] if forwarded else remote
    return forwarded[-proxies]


def client_key(group: str, request: HttpRequest) -> str:
    """Rate-limit key: the client address, IPv6 clients by their /64 network."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def result_create_rate(group: str, request: HttpRequest) -> str:
    """Read at request time so RESULT_CREATE_RATE can be changed without touching views."""
    return str(settings.RESULT_CREATE_RATE)


def report_rate(group: str, request: HttpRequest) -> str:
    return str(settings.REPORT_RATE)


RESULT_CREATE_LIMIT: dict[str, Any] = {
    "group": RESULT_CREATE_GROUP,
    "key": client_key,
    "rate": result_create_rate,
    "method": "POST",
}
REPORT_LIMIT: dict[str, Any] = {
    "group": "report",
    "key": client_key,
    "rate": report_rate,
    "method": "POST",
}


def _limit(request: HttpRequest, limit: dict[str, Any], what: str) -> None:
    try:
        limited = is_ratelimited(request, increment=True, **limit)
    except CACHE_ERRORS as error:
        logger.warning(
            "%s limit not applied (failing open): the shared cache failed: %s: %s",
            what,
            type(error).__name__,
            error,
        )
        return
    if limited:
        raise Ratelimited()


def result_create_limit(request: HttpRequest) -> None:
    """Count one result creation for this client; past RESULT_CREATE_RATE raise Ratelimited
    (RatelimitMiddleware answers it with the 429 page). Call it just before creating."""
    _limit(request, RESULT_CREATE_LIMIT, "Result-creation")


def report_limit(request: HttpRequest) -> None:
    """Count one report of a wrong or outdated item; past REPORT_RATE raise Ratelimited."""
    _limit(request, REPORT_LIMIT, "Report")


def result_create_ratelimit(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a view whose every POST creates a result; views that create one only on some POSTs
    call result_create_limit instead. Both count in the same window and fail open alike."""

    @functools.wraps(view)
    def limited_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        result_create_limit(request)  # counts POSTs only (RESULT_CREATE_LIMIT["method"])
        return view(request, *args, **kwargs)

    return limited_view


class AtomicDatabaseCache(DatabaseCache):
    """Django's DatabaseCache whose ``incr`` locks the row and keeps the entry's expiry, and
    whose ``add`` is one statement.

    The stock ``incr`` reads, then writes back with the default timeout: two processes can
    both read 4 and write 5, and a rate-limit window would be stretched or cut short. The
    stock ``add`` counts the whole table, then reads and writes in a transaction (five round
    trips for each counted request); here it inserts, or replaces an expired entry, in one.
    Expired entries are removed by ``delete_expired`` (``manage.py purge_stale``, daily).
    """

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        seconds = self.get_backend_timeout(timeout)
        expires = (
            datetime.max.replace(tzinfo=UTC)
            if seconds is None
            else datetime.fromtimestamp(seconds, tz=UTC)
        ).replace(microsecond=0)
        now = timezone.now().replace(microsecond=0)
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s) "
                "ON CONFLICT (cache_key) DO UPDATE "
                "SET value = EXCLUDED.value, expires = EXCLUDED.expires "
                f"WHERE {table}.expires < %s RETURNING cache_key",
                [key, encoded, expires, now],
            )
            return cursor.fetchone() is not None

    def delete_expired(self) -> int:
        """Remove the entries whose time is up; return how many."""
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [timezone.now()])
            return int(cursor.rowcount)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT value, expires FROM {table} WHERE cache_key = %s FOR UPDATE",
                [key],
            )
            row = cursor.fetchone()
            if row is None or row[1] < timezone.now():
                raise ValueError(f"Key '{key}' not found.")
            value = pickle.loads(base64.b64decode(row[0].encode())) + delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET value = %s WHERE cache_key = %s",
                [encoded, key],
            )
        return value
