"""A shared cache (Redis) that is down or hangs: results are still created, quickly, the rate
limit fails open and says so in the log, and /healthz reports the cache as degraded."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from profiles.models import Result
from tests.conftest import FIRST_THREE
from tests.profiles.journey import INDIAN_STEM_GRADUATE

# Well above REDIS_TIMEOUT (0.25 s, tried twice) and far below redis-py's defaults (retries with
# back-off, no read timeout), which held each confirmation for 5-10 s.
QUICK_SECONDS = 3.0
# How long the silent server keeps a connection open: without a read timeout a request waits
# this long and then fails, so the test fails rather than hangs when the timeouts are missing.
SILENT_HOLD_SECONDS = 6.0


def _redis_caches(port: int) -> dict[str, object]:
    """The site's caches with the shared one pointed at a Redis on this local port, with the
    options the settings give a real Redis (REDIS_URL)."""
    return {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": settings.REDIS_OPTIONS,
        },
    }


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port bound but not listening: connecting is refused, and nobody else can take it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A server that accepts connections and never answers (a hung Redis)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.05)  # so the thread sees the end of the test
    done = threading.Event()
    held: list[tuple[socket.socket, float]] = []

    def accept() -> None:
        while not done.is_set():
            with contextlib.suppress(TimeoutError):
                held.append((server.accept()[0], time.monotonic() + SILENT_HOLD_SECONDS))
            for connection, close_at in held:
                if time.monotonic() > close_at:
                    connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    done.set()
    thread.join(timeout=5)
    server.close()
    for connection, _ in held:
        connection.close()


@pytest.fixture(params=["closed", "silent"])
def broken_redis(request: pytest.FixtureRequest) -> Iterator[None]:
    port = request.getfixturevalue(f"{request.param}_port")
    with override_settings(CACHES=_redis_caches(port)):
        yield


@pytest.fixture
def answered_client(db) -> Client:  # type: ignore[no-untyped-def]
    call_command("load_visa_content", *FIRST_THREE, verbosity=0)
    client = Client()
    for slug, data in INDIAN_STEM_GRADUATE:
        assert client.post(f"/check/{slug}/", data).status_code == 302, slug
    return client


def _timed_post(client: Client, path: str) -> tuple[str, float]:
    started = time.monotonic()
    response = client.post(path)
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"], elapsed


def test_redis_options_bound_every_wait() -> None:
    options = settings.REDIS_OPTIONS
    assert 0 < options["socket_connect_timeout"] <= 0.5
    assert 0 < options["socket_timeout"] <= 0.5
    assert options["retry"].get_retries() <= 1


@pytest.mark.usefixtures("broken_redis")
def test_results_are_created_quickly_and_the_limit_fails_open_with_a_warning(
    answered_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="config.ratelimit")
    location, elapsed = _timed_post(answered_client, "/check/answers/")
    assert location.startswith("/r/")
    assert elapsed < QUICK_SECONDS
    token = location.strip("/").rsplit("/", 1)[-1]
    assert Result.objects.filter(token=token).exists()

    recheck, elapsed = _timed_post(answered_client, f"{location}recheck/")
    assert recheck.startswith("/r/")
    assert recheck != location
    assert elapsed < QUICK_SECONDS
    assert Result.objects.count() == 2

    warnings = [r for r in caplog.records if r.name == "config.ratelimit"]
    assert len(warnings) == 2
    assert all(r.levelno == logging.WARNING for r in warnings)
    assert all("failing open" in r.getMessage() for r in warnings)
    # Names the cache error: redis-py's ConnectionError (refused) or TimeoutError (silent).
    assert all(
        "ConnectionError" in r.getMessage() or "TimeoutError" in r.getMessage() for r in warnings
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("broken_redis")
def test_healthz_says_the_cache_is_degraded_and_stays_200(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < QUICK_SECONDS
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "degraded"}
    assert any("shared cache failed" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_result_pages_do_not_need_the_shared_cache(
    answered_client: Client, closed_port: int
) -> None:
    location = answered_client.post("/check/answers/")["Location"]
    with override_settings(CACHES=_redis_caches(closed_port)):
        assert answered_client.get(location).status_code == 200  # pages are cached in-process
        assert answered_client.get(location).status_code == 200


def test_redis_url_gets_the_bounded_options() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CACHES['default']['OPTIONS'] is s.REDIS_OPTIONS, s.REDIS_TIMEOUT)"
    )
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:1/0", "REDIS_TIMEOUT": "0.4"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "0.4"]
