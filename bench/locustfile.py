"""One locust user class per benchmarked endpoint, and one that walks the whole journey.

Used by bench/load.py, one class at a time (the journey for the soak, ``make bench-soak``);
the endpoint users are also runnable by hand against a running site:
``BENCH_ENDPOINT=result BENCH_TOKEN=... BENCH_SESSION=... locust -f bench/locustfile.py
--host http://127.0.0.1:8000``. Every request must answer its expected status, or it counts
as an error.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

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
                set_cookie = CSRF_COOKIE.search(
                    str(page.headers and page.headers.get("Set-Cookie"))
                )
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


# --- the soak: whole applicant journeys ----------------------------------------------------

RESULT_LINK = re.compile(r"/r/([A-Za-z0-9_-]+)/")
PROGRAM_LINK = re.compile(r'href="(/programs/[a-z0-9-]+/)"')
FORM_CONTENT_TYPE = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass
class Soak:
    """What the journey users share: when to stop, and the results they made."""

    deadline: float  # time.monotonic(): no journey starts after it
    tokens: list[str] = field(default_factory=list)
    journeys_started: int = 0
    journeys_completed: int = 0
    journeys_in_flight: int = 0


def journey_user_class(
    journey: Sequence[tuple[str, Mapping[str, object]]], soak: Soak
) -> type[FastHttpUser]:
    """A user that walks the whole journey again and again, a new applicant each time.

    Start page; every question (GET, then POST its answer, which must redirect to the next
    question); check your answers; confirm (which must redirect to a new result); the result
    as its owner; the same link without any cookie (the share view); the program list and
    one program linked from it. The first unexpected answer counts as an error and ends
    that journey; the next one starts afresh.
    """
    slugs = [slug for slug, _ in journey]
    next_paths = [f"/check/{slug}/" for slug in slugs[1:]] + ["/check/answers/"]

    class JourneyUser(FastHttpUser):
        wait_time = constant(0)
        network_timeout = 30.0
        connection_timeout = 10.0

        def _get(self, path: str, name: str, *, find: re.Pattern[str] | None = None) -> str | None:
            """The page's HTML; None, and an error counted, unless it answers 200 (and
            contains ``find``)."""
            with self.client.get(path, name=name, catch_response=True) as response:
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}, expected 200")
                    return None
                text = response.text or ""
                if find is not None and not find.search(text):
                    response.failure(f"no {find.pattern} in the page")
                    return None
                response.success()
                return text

        def _post(
            self, path: str, name: str, data: Mapping[str, object], page: str, *, to: str
        ) -> str | None:
            """Post the page's form as a browser does; the redirect's path if it answers 302
            to a path matching ``to``, else None and an error counted."""
            match = CSRF_INPUT.search(page)
            fields = {"csrfmiddlewaretoken": match.group(1) if match else "", **data}
            with self.client.post(
                path,
                name=name,
                data=urlencode(fields, doseq=True),
                headers=FORM_CONTENT_TYPE,
                allow_redirects=False,
                catch_response=True,
            ) as response:
                location = urlsplit(response.headers.get("Location") or "").path
                if response.status_code != 302:
                    response.failure(f"status {response.status_code}, expected 302")
                    return None
                if not re.fullmatch(to, location):
                    response.failure(f"redirected to {location or 'nowhere'}, expected {to}")
                    return None
                response.success()
                return location

        @task
        def journey(self) -> None:
            if time.monotonic() >= soak.deadline:
                raise StopUser()
            soak.journeys_started += 1
            soak.journeys_in_flight += 1
            try:
                if self._walk():
                    soak.journeys_completed += 1
            finally:
                soak.journeys_in_flight -= 1

        def _walk(self) -> bool:
            self.client.cookiejar.clear()  # a new applicant
            if self._get("/check/", "start") is None:
                return False
            for (slug, data), next_path in zip(journey, next_paths, strict=True):
                page = self._get(f"/check/{slug}/", f"step GET {slug}", find=CSRF_INPUT)
                if page is None:
                    return False
                to = re.escape(next_path)
                if self._post(f"/check/{slug}/", f"step POST {slug}", data, page, to=to) is None:
                    return False
            page = self._get("/check/answers/", "answers", find=CSRF_INPUT)
            if page is None:
                return False
            location = self._post("/check/answers/", "create", {}, page, to=RESULT_LINK.pattern)
            if location is None:
                return False
            soak.tokens.append(location.split("/")[2])
            if self._get(location, "result") is None:
                return False
            self.client.cookiejar.clear()  # someone the link was sent to
            if self._get(location, "share") is None:
                return False
            listing = self._get("/programs/", "programs", find=PROGRAM_LINK)
            if listing is None:
                return False
            return self._get(random.choice(PROGRAM_LINK.findall(listing)), "program") is not None

    return JourneyUser


# For the locust command line: one endpoint chosen by BENCH_ENDPOINT.
_chosen = os.environ.get("BENCH_ENDPOINT")
if _chosen:
    _by_name = {e.name: e for e in endpoints(os.environ.get("BENCH_TOKEN", ""))}
    BenchUser = user_class(_by_name[_chosen], os.environ.get("BENCH_SESSION", ""))
