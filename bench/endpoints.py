"""The benchmarked endpoints: what each requests and which status counts as success.

Kept free of locust, which patches the standard library for gevent when imported.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    method: str = "GET"
    expect: int = 200
    session: bool = False  # sends the seeded session (its questionnaire and result)
    form: tuple[tuple[str, str], ...] = ()
    html: bool = True
    needs_result: bool = False


def endpoints(token: str = "") -> list[Endpoint]:
    result_path = f"/r/{token}/" if token else "/r/<no-result>/"
    return [
        Endpoint("healthz", "/healthz", html=False),
        Endpoint("home", "/"),
        Endpoint("start", "/check/"),
        Endpoint("step GET", "/check/citizenship/"),
        Endpoint(
            "step POST",
            "/check/citizenship/",
            method="POST",
            expect=302,
            form=(("citizenship", "IN"),),
            html=False,
        ),
        Endpoint("answers", "/check/answers/", session=True, needs_result=True),
        Endpoint(
            "create",
            "/check/answers/",
            method="POST",
            expect=302,
            session=True,
            html=False,
            needs_result=True,
        ),
        Endpoint("result", result_path, session=True, needs_result=True),
        Endpoint("share", result_path, needs_result=True),
        Endpoint("program list", "/programs/"),
        Endpoint("program", "/programs/us-h1b/"),
    ]
