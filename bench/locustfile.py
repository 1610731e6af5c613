"""One locust user class per benchmarked endpoint.

Used by bench/load.py, one class at a time; also runnable by hand against a running site:
``BENCH_ENDPOINT=result BENCH_TOKEN=... BENCH_SESSION=... locust -f bench/locustfile.py
--host http://127.0.0.1:8000``. Every request must answer its expected status, or it counts
as an error.
"""

from __future__ import annotations

import os
import re
from typing import Any

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

from bench.endpoints import Endpoint, endpoints

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")
SESSION_COOKIE = "sessionid"


def user_class(endpoint: Endpoint, session_key: str = "") -> type[FastHttpUser]:
    """A user that requests one endpoint as fast as the server answers (closed loop)."""

    class EndpointUser(FastHttpUser):
        wait_time = constant(0)
        network_timeout = 30.0
        connection_timeout = 10.0
        csrf_token = ""
        cookie = f"{SESSION_COOKIE}={session_key}" if endpoint.session and session_key else ""

        def on_start(self) -> None:
            if endpoint.method == "POST":
                headers = {"Cookie": self.cookie} if self.cookie else {}
                page = self.client.get(endpoint.path, name="(csrf token)", headers=headers)
                match = CSRF_INPUT.search(page.text or "")
                self.csrf_token = match.group(1) if match else ""
                # With a session sent by hand, the CSRF cookie must be sent by hand too.
                set_cookie = CSRF_COOKIE.search(page.headers.get("Set-Cookie") or "")
                if self.cookie and set_cookie:
                    self.cookie = f"{self.cookie}; csrftoken={set_cookie.group(1)}"

        @task
        def hit(self) -> None:
            kwargs: dict[str, Any] = {"name": endpoint.name, "catch_response": True}
            if self.cookie:
                kwargs["headers"] = {"Cookie": self.cookie}
            if endpoint.method == "POST":
                kwargs["data"] = {"csrfmiddlewaretoken": self.csrf_token, **dict(endpoint.form)}
                kwargs["allow_redirects"] = False
            with self.client.request(endpoint.method, endpoint.path, **kwargs) as response:
                if response.status_code != endpoint.expect:
                    response.failure(f"status {response.status_code}, expected {endpoint.expect}")
                else:
                    response.success()

    EndpointUser.__name__ = f"User_{endpoint.name.replace(' ', '_')}"
    return EndpointUser


# For the locust command line: one endpoint chosen by BENCH_ENDPOINT.
_chosen = os.environ.get("BENCH_ENDPOINT")
if _chosen:
    _by_name = {e.name: e for e in endpoints(os.environ.get("BENCH_TOKEN", ""))}
    BenchUser = user_class(_by_name[_chosen], os.environ.get("BENCH_SESSION", ""))
