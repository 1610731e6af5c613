"""Gunicorn settings for production: `gunicorn -c config/gunicorn.py config.wsgi`.

Workers from the cores (2 x cores + 1, at most GUNICORN_MAX_WORKERS), each a sync worker
holding one persistent, health-checked database connection (CONN_MAX_AGE). Every value can
be overridden by the environment variable named beside it.
"""

from __future__ import annotations

import os
import re
from typing import Any

from gunicorn.glogging import Logger

_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
_max_workers = int(os.environ.get("GUNICORN_MAX_WORKERS", "12"))

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * (_cores or 1) + 1, _max_workers)))
worker_class = "sync"
# Import the project once in the master: faster starts and shared memory pages. Safe with
# the embedded database too: importing opens no connection, and the server is started (or
# joined) by the first worker that connects.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() == "true"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# Recycle workers now and then, staggered, so a slow leak can never take the site down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Heartbeat files in memory: a slow disk must not make the master kill healthy workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Trust X-Forwarded-* only from these proxy addresses (gunicorn's default: localhost).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The path without its query string; result tokens are cut out by the logger below.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

_RESULT_LINK = re.compile(r"(/r/)[A-Za-z0-9_-]{8,}")


class RedactingLogger(Logger):
    """Access log lines without result tokens: a token is a key to someone's answers."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for name in ("U", "r"):
            if isinstance(atoms.get(name), str):
                atoms[name] = _RESULT_LINK.sub(r"\1<token>", atoms[name])
        return atoms


logger_class = RedactingLogger
