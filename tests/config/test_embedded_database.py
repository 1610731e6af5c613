"""Integration: the embedded PostgreSQL starts lazily and recovers from whatever a crash left.

Every test runs manage.py in subprocesses on an embedded server of its own, in a temporary
data folder (never the project's .pgdata); the server and the folder are removed afterwards.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from django.conf import settings

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

REFUSAL = (
    "DATABASE_URL is not set and DEBUG is off: set DATABASE_URL to your PostgreSQL server "
    "(postgres://user:password@host:5432/name), or set EMBEDDED_DATABASE=true to run the "
    "embedded PostgreSQL in .pgdata/ (local use and tests only)."
)
# A command that needs the database: it fails unless the server answers.
QUERY = [
    "shell",
    "-c",
    "from django.db import connection\n"
    "with connection.cursor() as cursor:\n"
    "    cursor.execute('SELECT 1')\n"
    "    print('answered', cursor.fetchone()[0])",
]
# Stops the server of EMBEDDED_DATABASE_DIR, as `make stop-db` does.
STOP = [
    "shell",
    "-c",
    "from django.conf import settings\n"
    "from config.database import embedded_server_stop\n"
    "assert embedded_server_stop(settings.EMBEDDED_DATABASE_DIR)",
]
KILLS = 20
KILL_AFTER_SECONDS = (0.0, 1.5)


def environment(data_dir: Path, **overrides: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "TEST_DATABASE_NAME", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY="embedded-database-test-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
        EMBEDDED_DATABASE="true",
        EMBEDDED_DATABASE_DIR=str(data_dir),
    )
    env.update(overrides)
    return {name: value for name, value in env.items() if value}


def manage(data_dir: Path, *args: str, **overrides: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment(data_dir, **overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_database_answers(data_dir: Path) -> None:
    result = manage(data_dir, *QUERY)
    assert result.returncode == 0, result.stderr
    assert "answered 1" in result.stdout


def postgres_processes(folder: Path) -> list[psutil.Process]:
    """Servers (and their children) working in ``folder``, and initdb runs naming it."""
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        with contextlib.suppress(psutil.Error):
            names_it = any(str(folder) in part for part in process.info["cmdline"] or ())
            if names_it or (
                process.info["name"] == "postgres" and Path(process.cwd()).is_relative_to(folder)
            ):
                found.append(process)
    return found


def postmaster_pid(data_dir: Path) -> int:
    return int((data_dir / "postmaster.pid").read_text().splitlines()[0])


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A data folder path (not yet created) in a short temporary folder, cleaned up after."""
    folder = Path(tempfile.mkdtemp(prefix="navemb-"))
    try:
        yield folder / "pg"
    finally:
        processes = postgres_processes(folder)
        for process in processes:
            with contextlib.suppress(psutil.Error):
                process.kill()
        psutil.wait_procs(processes, timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
    assert not postgres_processes(folder)


@pytest.fixture
def started(data_dir: Path) -> Path:
    """A data folder whose server has been created and started by a manage.py command."""
    assert_database_answers(data_dir)
    return data_dir


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_importing_settings_starts_nothing(data_dir: Path) -> None:
    data_dir.mkdir()
    probe = (
        "import django; django.setup()\nfrom django.db import connection\nprint(connection.vendor)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env=environment(data_dir),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "postgresql"
    assert list(data_dir.parent.iterdir()) == [data_dir]  # no staging folder either
    assert list(data_dir.iterdir()) == []  # no cluster, no socket, no postmaster.pid
    assert not postgres_processes(data_dir.parent)


def test_production_without_database_url_refuses_in_one_sentence(data_dir: Path) -> None:
    result = manage(data_dir, "check", EMBEDDED_DATABASE="")
    assert result.returncode != 0
    assert result.stderr.strip() == REFUSAL
    assert not data_dir.exists()


def test_a_fresh_data_folder_is_created_on_the_first_connection(data_dir: Path) -> None:
    assert_database_answers(data_dir)
    assert (data_dir / "PG_VERSION").is_file()
    assert (data_dir / ".s.PGSQL.5432").is_socket()
    assert_database_answers(data_dir)  # joined, not started twice


@pytest.mark.parametrize("content", ["", "[12, 3", "[999999]"], ids=["empty", "truncated", "stale"])
def test_a_broken_handle_file_is_ignored(started: Path, content: str) -> None:
    """The wheel's .handle_pids.json, as a process killed while writing it leaves it."""
    (started / ".handle_pids.json").write_text(content)
    assert_database_answers(started)  # joining the running server
    assert manage(started, *STOP).returncode == 0
    (started / ".handle_pids.json").write_text(content)
    assert_database_answers(started)  # starting it


def test_a_killed_server_leaves_a_stale_pid_socket_and_lock_that_are_cleared(
    started: Path,
) -> None:
    postmaster = psutil.Process(postmaster_pid(started))
    postmaster.kill()  # what the OOM killer or a power cut leaves: every file stays
    postmaster.wait(10)
    assert (started / "postmaster.pid").exists()
    assert (started / ".s.PGSQL.5432.lock").exists()
    assert_database_answers(started)
    assert postmaster_pid(started) != postmaster.pid


def test_a_pid_file_naming_another_program_is_not_believed(started: Path) -> None:
    assert manage(started, *STOP).returncode == 0
    impostor = subprocess.Popen(["sleep", "60"])
    try:
        lines = ["0", str(started), "0", "5432", str(started), "", "0 0", "ready"]
        lines[0] = str(impostor.pid)  # a live process, but no PostgreSQL of ours
        (started / "postmaster.pid").write_text("\n".join(lines) + "\n")
        (started / ".s.PGSQL.5432").write_text("")  # a stale socket that is a plain file
        assert_database_answers(started)
        assert postmaster_pid(started) != impostor.pid
    finally:
        impostor.kill()
        impostor.wait()


@pytest.mark.parametrize("content", ["", "12"], ids=["empty", "truncated"])
def test_an_empty_or_truncated_pid_file_is_replaced(started: Path, content: str) -> None:
    assert manage(started, *STOP).returncode == 0
    (started / "postmaster.pid").write_text(content)
    assert_database_answers(started)


def test_a_half_created_data_folder_is_created_again(data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / "base").mkdir()  # what an initdb killed early leaves: no PG_VERSION
    (data_dir / "postgresql.conf").write_text("")
    assert_database_answers(data_dir)


def test_a_folder_that_is_not_a_data_folder_is_left_alone(data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / "notes.txt").write_text("mine")
    result = manage(data_dir, *QUERY)
    assert result.returncode != 0
    assert "is not a PostgreSQL data folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert (data_dir / "notes.txt").read_text() == "mine"


def test_start_up_killed_at_random_moments_never_stops_the_next_start(data_dir: Path) -> None:
    """SIGKILL `manage.py runserver` 20 times while it imports, runs initdb or starts the server.

    Even kills hit the whole process group (as Ctrl-C and a kill of `make run` do), so an
    initdb dies with it; odd ones only the Python process, so its initdb or pg_ctl lives on.
    """
    seed = random.randrange(1_000_000)
    chance = random.Random(seed)
    command = [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks"]
    delays = []
    for attempt in range(KILLS):
        runserver = subprocess.Popen(
            [*command, f"127.0.0.1:{free_port()}"],
            cwd=settings.BASE_DIR,
            env=environment(data_dir),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        delays.append(round(chance.uniform(*KILL_AFTER_SECONDS), 2))
        time.sleep(delays[-1])
        if attempt % 2 == 0:
            os.killpg(runserver.pid, signal.SIGKILL)
        else:
            runserver.kill()
        runserver.wait(10)

    result = manage(data_dir, *QUERY)
    assert result.returncode == 0, f"seed {seed}, delays {delays}: {result.stderr}"
    assert "answered 1" in result.stdout

    port = free_port()
    runserver = subprocess.Popen(
        [*command, f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=environment(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    assert r.status == 200, f"seed {seed}, delays {delays}"
                    break
            except urllib.error.HTTPError as error:
                pytest.fail(f"seed {seed}, delays {delays}: /healthz answered {error.code}")
            except OSError:
                assert time.monotonic() < deadline, f"seed {seed}: runserver did not answer"
                time.sleep(0.2)
    finally:
        runserver.send_signal(signal.SIGINT)
        try:
            runserver.wait(10)
        except subprocess.TimeoutExpired:
            runserver.kill()
            runserver.wait()
